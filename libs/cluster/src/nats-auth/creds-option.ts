/** The `--creds FILE` option of `tug worker` and `tug hollow`, checked before anything starts. */
import { resolve } from "node:path";
import { NATS_CREDS_ENV, readNatsCreds } from "@tug/bus";
import { OptionError } from "../options.js";

/**
 * `{ TUG_NATS_CREDS: <absolute path> }` for a readable credentials file, `{}` when `file` is unset (the process
 * then uses `TUG_NATS_CREDS` from its environment, if any). A bad file throws OptionError naming `--creds`.
 */
export function credsEnv(file: string | undefined): Record<string, string> {
  if (!file) return {};
  try {
    readNatsCreds(file);
  } catch (err) {
    throw new OptionError("creds", (err as Error).message);
  }
  return { [NATS_CREDS_ENV]: resolve(file) };
}
