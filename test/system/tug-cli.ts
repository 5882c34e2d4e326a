/** Runs the built `tug` CLI (cli/dist/main.js) against a test system, bounded by a timeout. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestSystem } from "@tug/testkit";

const MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

/** Exit code and output of one `tug` run; the child is SIGKILLed (by its PID) after `timeoutMs`. */
export function tug(
  sys: TestSystem,
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "--nats", sys.cluster.natsUrl, "--api", sys.cluster.apiUrl, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
