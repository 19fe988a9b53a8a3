/**
 * The preview panel's page. A pure function of the resource addresses, the nonce and the CSP
 * source, so the browser test renders exactly the page VS Code shows.
 *
 * The Content-Security-Policy allows nothing but: the page's own script (by nonce), its style
 * sheet, images from the extension or data: URIs, audio from the extension or blob: URIs, and
 * fetches from the extension's folders (connect-src: the page fetches the bundled loop to decode it
 * with Web Audio; VS Code serves local resources to fetch() as to any element). No inline script,
 * no eval, no remote host.
 */

export interface PreviewPageResources {
  /** `webview.cspSource`: where VS Code serves the extension's local resources from (one or more sources). */
  cspSource: string;
  /** A fresh random nonce per page. */
  nonce: string;
  /** The page script (dist/preview.js) as a webview URI. */
  scriptUri: string;
  /** media/preview/preview.css as a webview URI. */
  styleUri: string;
  /** media/loop.wav as a webview URI. */
  loopUri: string;
}

/** A nonce is pasted into the page and the policy: base64 characters only, so it cannot break out. */
const NONCE_PATTERN = /^[A-Za-z0-9+/=]{16,}$/;
/**
 * One source expression of `webview.cspSource`, which is a list: `'self' https://*.vscode-cdn.net`
 * in VS Code 1.100, a single origin in older ones. Anything that could end the directive (`;`, `,`)
 * or add a keyword other than 'self' (a quote) is refused.
 */
const SOURCE_EXPRESSION = /^(?:'self'|[^\s;,'"]+)$/;

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `media-src ${cspSource} blob:`,
    `connect-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    // Not covered by default-src: no <base> tricks, no form posts.
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function previewHtml(resources: PreviewPageResources): string {
  if (!NONCE_PATTERN.test(resources.nonce))
    throw new Error("the preview page's nonce must be at least 16 base64 characters");
  const sources = resources.cspSource.trim().split(/\s+/);
  if (resources.cspSource.trim() === "" || !sources.every((source) => SOURCE_EXPRESSION.test(source)))
    throw new Error(`the preview page's CSP source ${JSON.stringify(resources.cspSource)} would break the policy`);
  const csp = escapeAttribute(contentSecurityPolicy(resources.cspSource, resources.nonce));
  const nonce = escapeAttribute(resources.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="${escapeAttribute(resources.styleUri)}">
  <title>EQ preview</title>
</head>
<body data-loop-uri="${escapeAttribute(resources.loopUri)}">
  <header>
    <h1 id="preset-name">EQ preview</h1>
    <p id="preset-facts"></p>
    <p id="status" role="status" aria-live="polite">Waiting for the language server…</p>
  </header>
  <section id="curve" aria-label="Frequency response: drag a band's handle to change its frequency and gain; the wheel or Shift+drag changes a bell's Q"></section>
  <p id="legend"><span class="swatch this"></span> this preset <span id="compare-legend" hidden><span class="swatch compare"></span> <span id="compare-label"></span></span></p>
  <div class="controls" id="compare-controls">
    <button id="compare" type="button" title="Draw another preset of the workspace, or this one at the last commit, as a second curve">Compare with…</button>
    <button id="compare-clear" type="button" hidden>Stop comparing</button>
    <button id="listen-b" type="button" aria-pressed="false" hidden title="A/B: hear the comparison instead of this preset">Hearing A (this preset)</button>
    <button id="match-reference" type="button" title="Pick a reference recording and the recording to match to it (WAV): the EQ that gives the second the tonal balance of the first is inserted as a new preset">Match to a reference…</button>
  </div>
  <p id="match-result" role="status" aria-live="polite"></p>
  <section id="audition" aria-label="Audition">
    <div class="controls">
      <button id="play" type="button">Play</button>
      <button id="bypass" type="button" aria-pressed="false" title="A/B: hear the signal without the EQ, at the same loudness">EQ on</button>
      <label for="level" class="meter-label">Output level</label>
      <meter id="level" min="-60" max="0" low="-18" high="-3" optimum="-12" value="-60" title="Output level after the volume (dBFS RMS)"></meter>
      <output id="level-readout" for="level">−∞ dBFS</output>
      <label for="volume" class="volume-label">Volume</label>
      <input id="volume" type="range" min="-40" max="6" step="0.5" value="0" aria-describedby="volume-readout">
      <output id="volume-readout" for="volume">0 dB</output>
    </div>
    <div class="controls">
      <span id="source">Source: bundled loop</span>
      <label class="file-picker">Play a file…<input id="file" type="file" accept="audio/*,.wav,.mp3,.ogg,.flac,.m4a"></label>
      <button id="use-loop" type="button" hidden>Use the bundled loop</button>
    </div>
    <p id="match"></p>
    <p id="audition-status" role="status" aria-live="polite"></p>
  </section>
  <table id="bands" aria-label="Bands">
    <thead><tr><th scope="col">Band</th><th scope="col">Listen</th><th scope="col">Frequency</th><th scope="col">Gain</th><th scope="col">Q</th></tr></thead>
    <tbody></tbody>
    <tfoot></tfoot>
  </table>
  <script nonce="${nonce}" src="${escapeAttribute(resources.scriptUri)}"></script>
</body>
</html>
`;
}
