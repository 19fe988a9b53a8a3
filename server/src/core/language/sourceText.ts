/**
 * Outside text (a file's name, a name from another tool) made safe to write into a `.eqp` file:
 * in a comment a line break would end the comment and start a statement, and other control
 * characters are invisible in an editor. Each is written as its visible Unicode picture
 * (U+240A ␊ for a line feed), so the text still says what it was.
 */

/** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function sourceText(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/** A name as a quoted `.eqp` name: visible controls, `"` and `\` escaped. */
export function quotedName(name: string): string {
  return `"${sourceText(name).replace(/["\\]/g, "\\$&")}"`;
}

/**
 * User text (a preset name, a word, a tag, a file name) for Markdown, shown as written inside a
 * line: a name like `![x](https://…)` must not become a remote image in a hover (a beacon from a
 * cloned repository), nor `<b>` markup, nor a `|` a table cell. Control characters are shown as
 * their pictures, as in `.eqp` text. The characters that only matter at the start of a line
 * (#, +, -) are left alone: every escaped text follows a "**", "- ", "| " or "### " of ours.
 */
export function markdownText(text: string): string {
  return sourceText(text).replace(/[\\`*_[\]|<>~!()&]/g, "\\$&");
}
