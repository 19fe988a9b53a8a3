/** `eqp lock`: records every morph of the workspace with the bands it resolves to now. */
import type { Command } from "commander";
import * as path from "node:path";
import { lockedCurveChange, LOCK_FILE_NAME, LOCK_TOLERANCE_DB, lockfileText, type LockedMorph } from "../../server/src/core/index.js";
import { writeOutputFile } from "./files.js";
import { cliServices, defaultWorkspace } from "./services.js";
import { printOut } from "./terminal.js";

export function addLockCommand(program: Command): void {
  program
    .command("lock")
    .description(
      `write ${LOCK_FILE_NAME} at the workspace root: every morph with the model and the bands it resolves to, ` +
        "so that eqp check reports any later change of a preset's sound",
    )
    .option("--model <dir>", "model folder (default: the bundled model)")
    .action(async (options: { model?: string }) => {
      const root = defaultWorkspace();
      const services = await cliServices(options.model, { network: true, ignoreBrokenLock: true });
      try {
        const previous = services.lockfile?.lock;
        const lock = services.buildLock();
        let morphs = 0;
        let changed = 0;
        for (const [file, presets] of Object.entries(lock.presets)) {
          for (const [name, entry] of Object.entries(presets) as [string, LockedMorph][]) {
            morphs++;
            const before = previous?.presets[file]?.[name];
            if (before && before.morph === entry.morph) {
              const change = lockedCurveChange(before.bands, entry.bands, 48000);
              if (Math.abs(change.db) >= LOCK_TOLERANCE_DB) changed++;
            }
          }
        }
        const file = path.join(root, LOCK_FILE_NAME);
        writeOutputFile(file, lockfileText(lock));
        const files = Object.keys(lock.presets).length;
        printOut(
          `wrote ${path.relative(process.cwd(), file) || file}: ${morphs} morph${morphs === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}, model ${lock.model.id}` +
            (previous ? `; ${changed} with new bands accepted` : "") +
            "\n",
        );
      } finally {
        services.dispose();
      }
    });
}
