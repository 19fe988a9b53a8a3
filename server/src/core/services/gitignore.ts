/**
 * `.gitignore` rules matched segment by segment, without regular expressions. A pattern is split
 * at `/` and matched against a path's segments by dynamic programming (`**` spans any number of
 * segments), and each segment by the same kind of table over its characters, so a match costs at
 * most (pattern length × path length) steps whatever the pattern: `**\/x/**\/x/…` over a deep folder
 * or `*a*a*a*b` over a long name cannot backtrack, and no line makes a regular expression too large
 * to compile. Matching ignores case, as the `ignore` package this replaces did.
 */

export interface IgnoreRule {
  /** `!pattern`: a match re-includes. */
  negated: boolean;
  /** `pattern/`: matches folders only. */
  directoryOnly: boolean;
  /** Lower-cased segments; `**` spans any number of segments. */
  segments: string[];
}

/** Git refuses nothing, but no real pattern is longer: a longer line is skipped with a warning. */
export const MAX_PATTERN_CHARS = 4096;

/** The rules of a `.gitignore` text; `warn` hears of lines skipped, by their line number. */
export function parseGitignore(text: string, warn: (message: string) => void = () => undefined): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.length > MAX_PATTERN_CHARS) {
      warn(`line ${index + 1} is over ${MAX_PATTERN_CHARS} characters: skipped`);
      return;
    }
    const rule = parseLine(line);
    if (rule) rules.push(rule);
  });
  return rules;
}

function parseLine(line: string): IgnoreRule | undefined {
  // Trailing spaces go unless escaped; `#` starts a comment unless escaped.
  let pattern = line.replace(/(?<!\\) +$/, "");
  if (pattern === "" || pattern.startsWith("#")) return undefined;
  const negated = pattern.startsWith("!");
  if (negated) pattern = pattern.slice(1);
  if (pattern.startsWith("\\#") || pattern.startsWith("\\!")) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith("/");
  pattern = pattern.replace(/\/+$/, "");
  if (pattern === "") return undefined;
  // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
  const anchored = pattern.includes("/");
  const segments = pattern.replace(/^\//, "").toLowerCase().split("/");
  return { negated, directoryOnly, segments: anchored ? segments : ["**", ...segments] };
}

/** Whether the last rule that matches `segments` (a path relative to the rules' folder) ignores it. */
export function isIgnored(rules: readonly IgnoreRule[], segments: readonly string[], isDirectory: boolean): boolean {
  const path = segments.map((segment) => segment.toLowerCase());
  for (let index = rules.length - 1; index >= 0; index--) {
    const rule = rules[index]!;
    if (rule.directoryOnly && !isDirectory) continue;
    if (matchesPath(rule.segments, path)) return !rule.negated;
  }
  return false;
}

/** Pattern segments against path segments; a trailing `**` needs at least one segment (git's `dir/**`). */
function matchesPath(pattern: readonly string[], path: readonly string[]): boolean {
  // reach[j]: the first i pattern segments match the first j path segments.
  let reach = new Array<boolean>(path.length + 1).fill(false);
  reach[0] = true;
  for (const [i, segment] of pattern.entries()) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    const trailing = i === pattern.length - 1;
    for (let j = 0; j <= path.length; j++) {
      if (segment !== "**") next[j] = j > 0 && reach[j - 1]! && matchesSegment(segment, path[j - 1]!);
      else if (trailing) next[j] = j > 0 && (reach[j - 1]! || next[j - 1]!);
      else next[j] = reach[j]! || (j > 0 && next[j - 1]!);
    }
    reach = next;
  }
  return reach[path.length]!;
}

/** One segment's glob (`*`, `?`, `[…]`, `\x`) against a name, by a table over their characters. */
export function matchesSegment(glob: string, name: string): boolean {
  if (!/[*?[\\]/.test(glob)) return glob === name;
  const tokens = globTokens(glob);
  // reach[j]: the tokens so far match the first j characters of the name.
  let reach = new Array<boolean>(name.length + 1).fill(false);
  reach[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(name.length + 1).fill(false);
    for (let j = 0; j <= name.length; j++) {
      if (token === STAR) next[j] = reach[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && reach[j - 1]! && token(name[j - 1]!);
    }
    reach = next;
  }
  return reach[name.length]!;
}

const STAR = Symbol("*");
type GlobToken = typeof STAR | ((character: string) => boolean);

function globTokens(glob: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let at = 0; at < glob.length; at++) {
    const character = glob[at]!;
    if (character === "*") {
      if (tokens.at(-1) !== STAR) tokens.push(STAR);
    } else if (character === "?") tokens.push(() => true);
    else if (character === "[" && glob.indexOf("]", at + 2) > 0) {
      const end = glob.indexOf("]", at + 2);
      tokens.push(characterClass(glob.slice(at + 1, end)));
      at = end;
    } else {
      const literal = character === "\\" && at + 1 < glob.length ? glob[++at]! : character;
      tokens.push((other) => other === literal);
    }
  }
  return tokens;
}

/** `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]`. */
function characterClass(body: string): (character: string) => boolean {
  const negated = body.startsWith("!") || body.startsWith("^");
  const members = negated ? body.slice(1) : body;
  const ranges: [string, string][] = [];
  for (let at = 0; at < members.length; at++) {
    if (members[at + 1] === "-" && at + 2 < members.length) {
      ranges.push([members[at]!, members[at + 2]!]);
      at += 2;
    } else ranges.push([members[at]!, members[at]!]);
  }
  return (character) => ranges.some(([low, high]) => character >= low && character <= high) !== negated;
}
