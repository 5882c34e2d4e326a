/** Runs the network tools of the hosts lab (`ip`, `nft`) with a timeout; failures become LabError. */
import { execFile } from "node:child_process";

/** How long one `ip` or `nft` call may take (ms). */
const TOOL_TIMEOUT_MS = 15_000;

/** A lab operation failed: what was run and what the tool said. */
export class LabError extends Error {
  constructor(
    message: string,
    readonly command?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "LabError";
  }
}

/** Runs `cmd args` and resolves with its stdout; rejects with a LabError carrying the tool's stderr. */
export function tool(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const line = `${cmd} ${args.join(" ")}`;
      const why = (stderr || err.message).trim().split("\n")[0];
      reject(new LabError(`${line}: ${why}`, line, { cause: err }));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs `args` inside network namespace `ns` (`ip netns exec`). */
export function inNamespace(ns: string, args: string[], input?: string): Promise<string> {
  return tool("ip", ["netns", "exec", ns, ...args], input);
}

/** What `ip` and `nft` say when the object to remove does not exist. */
const GONE = /cannot find|no such|does not exist|not found/i;

/** Like `tool`, but a failure whose message matches `gone` (the object does not exist) counts as success. */
export async function toolIdempotent(cmd: string, args: string[], gone = GONE): Promise<void> {
  try {
    await tool(cmd, args);
  } catch (err) {
    if (!gone.test((err as Error).message)) throw err;
  }
}
