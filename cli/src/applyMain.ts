/**
 * The lean entry of `eqp apply` (bundled as dist/cli-apply.js, chosen by boot/cliStart.ts when the
 * first argument is `apply`): the same command, options and errors as in the whole CLI, without
 * compiling and initialising the other commands. A batch of files calls `eqp apply` once per file,
 * and for a minute of audio the start of the whole CLI took longer than the filtering.
 */
import { Command } from "commander";
import { addApplyCommand } from "./applyCommand.js";
import { endQuietlyOnClosedPipe, runProgram } from "./programRun.js";
import { addWorkspaceOption } from "./services.js";

const program = new Command().name("eqp").showHelpAfterError();
addWorkspaceOption(program);
addApplyCommand(program);
endQuietlyOnClosedPipe();
void runProgram(program, process.argv);
