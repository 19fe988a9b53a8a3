/** Which errors are the user's input (one line, exit code 2) and which are bugs. */
import { FileWriteError } from "../../server/src/core/files/index.js";
import { UsageError } from "./files.js";

/** The user's input, not a bug. The model folder's error class is loaded only once something failed. */
export async function isUserFacingError(error: unknown): Promise<boolean> {
  if (error instanceof UsageError || error instanceof FileWriteError) return true;
  const { ModelFolderError } = await import("../../server/src/core/network/modelFolder.js");
  return error instanceof ModelFolderError;
}
