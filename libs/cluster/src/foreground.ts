/**
 * Runs one built entry point (a worker, a hollow process) as a child in the foreground: in its own process group,
 * so a terminal's Ctrl-C reaches only us and we pass it on once (a second one kills at once); our exit kills it.
 */
import { spawn } from "node:child_process";

/** Runs `main` with `env` added until it exits; resolves with its exit code (0 after a forwarded SIGINT/SIGTERM). */
export async function runForeground(main: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const forward = (sig: NodeJS.Signals) => () => {
    child.kill(sig);
  };
  const [onInt, onTerm, onExit] = [forward("SIGINT"), forward("SIGTERM"), forward("SIGKILL")];
  process.on("SIGINT", onInt).on("SIGTERM", onTerm).on("exit", onExit);
  try {
    return await new Promise<number>((done, fail) => {
      child.once("error", fail);
      child.once("exit", (code, signal) => done(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)));
    });
  } finally {
    process.off("SIGINT", onInt).off("SIGTERM", onTerm).off("exit", onExit);
  }
}
