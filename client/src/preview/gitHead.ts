/**
 * A file's text in the last commit (`git show HEAD:./name`, run with the git command line), or why
 * there is none in words a user can act on: git's own stderr ("fatal: path 'x' exists on disk, but
 * not in 'HEAD'") is not shown. Free of the vscode module, so the unit tests run it on real
 * repositories.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

/** Longest git takes to show a file before the comparison gives up (a locked or huge repository). */
const GIT_TIMEOUT_MS = 5_000;

/** Why git showed no text, in the panel's words; the name is the file's base name. */
export function explainGitFailure(
  name: string,
  stderr: string,
  error: { code?: string | number | null; killed?: boolean; message: string },
): string {
  if (error.code === "ENOENT") return "git is not installed";
  if (error.killed) return `git took longer than ${GIT_TIMEOUT_MS / 1000} s to answer`;
  if (/exists on disk, but not in|does not exist in/.test(stderr))
    return `${name} is not in the last commit (it is new)`;
  if (/not a git repository/.test(stderr)) return `${name} is not in a git repository`;
  if (/invalid object name 'HEAD'|bad revision 'HEAD'|ambiguous argument 'HEAD'/.test(stderr))
    return "the repository has no commit yet";
  const first = stderr
    .trim()
    .split("\n")[0]
    ?.replace(/^fatal:\s*/, "");
  return first || error.message;
}

/** The text of `file` (a path on disk) at git HEAD, or why there is none. */
export function gitHeadText(file: string): Promise<{ text: string } | { error: string }> {
  const name = path.basename(file);
  // `HEAD:./name` is relative to git's working directory: no need to find the repository's root.
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-C", path.dirname(file), "show", `HEAD:./${name}`],
      { timeout: GIT_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => resolve(error ? { error: explainGitFailure(name, stderr, error) } : { text: stdout }),
    );
  });
}
