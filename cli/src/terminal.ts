/**
 * Everything eqp prints goes through here. Names in presets come from files anyone can write (a
 * cloned repository): an ESC or BEL in one would reach the terminal as a command (OSC 52 sets the
 * clipboard, others retitle the window or move the cursor). Control characters other than tab and
 * line breaks, and the bidirectional overrides that reorder what is shown, are printed as `\u001b`:
 * visible, and the same character again where the output is JSON.
 */
const UNSAFE = /\r(?!\n)|[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Standard output, made safe for a terminal. */
export function printOut(text: string): void {
  process.stdout.write(terminalText(text));
}

/** Standard error, made safe for a terminal. */
export function printError(text: string): void {
  process.stderr.write(terminalText(text));
}
