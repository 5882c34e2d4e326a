/** Runs the built `tug` CLI (cli/dist/main.js) against a test system, bounded by a timeout. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestSystem } from "@tug/testkit";

const MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

/** Exit code and output of one `tug` run. */
export interface TugRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Exit code and output of one `tug` run; the child is SIGKILLed (by its PID) after `timeoutMs`. */
export function tug(sys: TestSystem, args: string[], timeoutMs = 120_000): Promise<TugRun> {
  // --data-dir: where the CLI finds the cluster's NATS credentials (nats-auth/cli.creds) and API token
  const target = ["--nats", sys.cluster.natsUrl, "--api", sys.cluster.apiUrl, "--data-dir", sys.dataDir];
  return runTug([...target, ...args], { timeoutMs });
}

/**
 * One `tug` run with exactly `args`. After `timeoutMs` the child gets SIGTERM when `graceMs` is set (so a command
 * that started processes stops them), then SIGKILL once `graceMs` more passed; without `graceMs`, SIGKILL at once.
 */
export function runTug(args: string[], o: { timeoutMs: number; graceMs?: number }): Promise<TugRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (o.graceMs === undefined) return child.kill("SIGKILL");
      child.kill("SIGTERM");
      kill = setTimeout(() => child.kill("SIGKILL"), o.graceMs);
    }, o.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}
