/**
 * Preview data as the panel gets it: the real language server (dist/server.js) answering
 * `eqpreset/preview` for presets of a real document, checked by the same function the extension
 * uses before posting it to the page.
 */
import { checkPreviewData, type PreviewData } from "../../../client/src/preview/protocol.js";
import { PreviewRequest } from "../../../server/src/protocol/index.js";
import { LspTestClient } from "../../support/lspClient.js";

/**
 * Explicit presets only, so no model is needed; at two sample rates, with and without shelves, with
 * filters, and one using a library preset.
 */
export const PRESETS_TEXT = [
  "samplerate 48kHz",
  "",
  'preset "VO clean" {',
  "  lowshelf 120Hz -4dB",
  "  bell 300Hz -2dB q 1.4",
  "  bell 3kHz +2.5dB q 1",
  "  bell 6.5kHz -3dB q 4",
  "  highshelf 12kHz +1.5dB",
  "  gain -1dB",
  "}",
  "",
  'preset "Radio chatter" {',
  "  lowshelf 400Hz -12dB",
  "  bell 1.8kHz +6dB q 1.2",
  "  highshelf 3.5kHz -12dB",
  "  gain -3dB",
  "}",
  "",
  'preset "Bells only" {',
  "  bell 150Hz +4dB q 0.7",
  "  bell 1kHz -6dB q 2.5",
  "  bell 5kHz +3dB q 6",
  "}",
  "",
  'preset "Bass stem" {',
  "  samplerate 96kHz",
  "  lowshelf 60Hz +3dB",
  "  bell 250Hz -2dB q 1",
  "  highshelf 5kHz -4dB",
  "}",
  "",
  // The filters around SAFE's five: chain-0 the high-pass, chain-1 the fourth bell, chain-2 the notch, chain-3 the low-pass.
  'preset "Radio band" {',
  "  highpass 300Hz 24dB/oct",
  "  bell 500Hz -2dB q 1",
  "  bell 1.5kHz +2dB q 1",
  "  bell 2.5kHz -1dB q 3",
  "  bell 700Hz +4dB q 2",
  "  notch 1kHz q 10",
  "  lowpass 3.4kHz",
  "}",
  "",
  // A shipped library preset's chain (underwater: a 24 dB/oct low-pass at 800 Hz, a low shelf at
  // 200 Hz +3 dB, gain -3 dB; SAFE's slot first: used-0 the shelf, used-1 the low-pass) under the
  // preset's own low shelf (lowShelf).
  'preset "Under the sea" {',
  '  use "underwater"',
  "  lowshelf 80Hz -4dB",
  "}",
  "",
].join("\n");

export type PresetName = "VO clean" | "Radio chatter" | "Bells only" | "Bass stem" | "Radio band" | "Under the sea";

export async function previewsFromServer(): Promise<Record<PresetName, PreviewData>> {
  const client = await LspTestClient.start();
  try {
    const uri = client.uriFor("browser-previews.eqp");
    const diagnostics = await client.open(uri, PRESETS_TEXT);
    if (diagnostics.length > 0) throw new Error(`the fixture presets have problems: ${JSON.stringify(diagnostics)}`);
    const lines = PRESETS_TEXT.split("\n");
    const previews = {} as Record<PresetName, PreviewData>;
    for (const name of [
      "VO clean",
      "Radio chatter",
      "Bells only",
      "Bass stem",
      "Radio band",
      "Under the sea",
    ] as const) {
      // The cursor on the preset's first band line.
      const line = lines.indexOf(`preset "${name}" {`) + 1;
      const answer = await client.request<unknown>(PreviewRequest.method, { uri, position: { line, character: 4 } });
      const checked = checkPreviewData(answer);
      if (!checked.ok) throw new Error(`the server's preview of "${name}" is not usable: ${checked.error}`);
      if (checked.value.presetName !== name)
        throw new Error(`asked for "${name}", the server previewed ${JSON.stringify(checked.value.presetName)}`);
      previews[name] = checked.value;
    }
    return previews;
  } finally {
    await client.stop();
  }
}
