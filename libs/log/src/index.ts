/** @tug/log: the pino logger factory. One root logger per process, child loggers per module with bound fields. */
import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/** Creates the process's root logger (JSON to stdout; level from `TUG_LOG_LEVEL` passed in by main). */
export function createLogger(component: string, level = "info", bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { component, pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["*.password", "*.token", "env.*"], censor: "[redacted]" },
  });
}

/** A logger that drops everything (for tests that do not care about logs). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
