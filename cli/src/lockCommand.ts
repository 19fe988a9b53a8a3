/** `eqp lock`: records every morph of the workspace with the bands it resolves to now. */
import type { Command } from "commander";
import * as path from "node:path";
import {
  formatDecimal,
  LOCK_FILE_NAME,
  lockfileText,
  movedMorphs,
  type Lockfile,
  type MovedMorph,
} from "../../server/src/core/index.js";
import { writeOutputFile } from "./files.js";
import { cliServices, defaultWorkspace } from "./services.js";
import { printOut } from "./terminal.js";

function printMoved(previous: Lockfile | undefined, lock: Lockfile, moved: readonly MovedMorph[]): void {
  if (previous && previous.model.id !== lock.model.id)
    printOut(`the model changed from ${previous.model.id} to ${lock.model.id}\n`);
  printOut(`${moved.length} morph${moved.length === 1 ? "" : "s"} moved:\n`);
  for (const { file, preset, db } of moved)
    printOut(`  ${file} ${preset}: ${db > 0 ? "+" : "−"}${formatDecimal(Math.abs(db), 1)} dB\n`);
}

export function addLockCommand(program: Command): void {
  program
    .command("lock")
    .description(
      `write ${LOCK_FILE_NAME} at the project root (the folder of eqpreset.json, else the git root): every morph ` +
        "with the model and the bands it resolves to, and what each preset's use lines bring in, so that eqp check reports any later change of a preset's sound",
    )
    .option("--model <dir>", "model folder (default: the project file's, else the bundled model)")
    .option("--accept", "a deliberate change (a model upgrade): list every morph that moved, then write the lock")
    .action(async (options: { model?: string; accept?: boolean }) => {
      const services = await cliServices(options.model, { network: true, ignoreBrokenLock: true });
      try {
        const root = services.lockFolder ?? defaultWorkspace();
        const previous = services.lockfile?.lock;
        const lock = services.buildLock();
        const { morphs, moved } = movedMorphs(previous, lock);
        if (options.accept) printMoved(previous, lock, moved);
        const file = path.join(root, LOCK_FILE_NAME);
        writeOutputFile(file, lockfileText(lock));
        const files = new Set([...Object.keys(lock.presets), ...Object.keys(lock.uses ?? {})]).size;
        const uses = Object.values(lock.uses ?? {}).reduce((sum, entries) => sum + Object.keys(entries).length, 0);
        printOut(
          `wrote ${path.relative(process.cwd(), file) || file}: ${morphs} morph${morphs === 1 ? "" : "s"}${uses > 0 ? ` and the uses of ${uses} preset${uses === 1 ? "" : "s"}` : ""} in ${files} file${files === 1 ? "" : "s"}, model ${lock.model.id}` +
            (previous ? `; ${moved.length} with new bands accepted` : "") +
            "\n",
        );
      } finally {
        services.dispose();
      }
    });
}
