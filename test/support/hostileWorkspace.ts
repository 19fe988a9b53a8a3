/**
 * A workspace a `git clone` can bring, built in a temporary folder (never committed): links in a
 * cycle (`x → .`, `y → .`, `loop → .`), a FIFO named `x.eqp` and one named `.gitignore`, a folder
 * named `.gitignore`, `zero.eqp → /dev/zero`, a 50 MB `.eqp`, and two presets: one tagged
 * `punchy` (a bundled word: the warning counts its tagged presets) and one morph of it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { temporaryFolder } from "./cli.js";

export const BIG_FILE_BYTES = 50 * 1024 * 1024;

export function hostileWorkspace(suite: string): string {
  const root = temporaryFolder(suite);
  spawnSync("git", ["init", "-q"], { cwd: root });
  writeFileSync(path.join(root, "a.eqp"), 'preset "A" {\n  tags punchy\n  bell 1kHz +3dB\n}\n');
  writeFileSync(path.join(root, "b.eqp"), 'preset "B" {\n  morph punchy 0.5\n}\n');
  for (const link of ["x", "y", "loop"]) symlinkSync(".", path.join(root, link));
  symlinkSync("/dev/zero", path.join(root, "zero.eqp"));
  for (const fifo of ["x.eqp", ".gitignore"]) spawnSync("mkfifo", [path.join(root, fifo)]);
  mkdirSync(path.join(root, "kept", ".gitignore"), { recursive: true });
  writeFileSync(path.join(root, "kept", ".gitignore", "keep"), "");
  writeFileSync(path.join(root, "big.eqp"), Buffer.alloc(BIG_FILE_BYTES, " "));
  return root;
}
