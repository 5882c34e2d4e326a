/** Line capture for a child's output: each complete line goes to a sink and, optionally, to a log file. */
import { createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** Receives one output line of a supervised child. */
export type LineSink = (name: string, line: string, stream: "stdout" | "stderr") => void;

/** Appends to `<logDir>/<name>.log` (when `path` is given) and forwards lines of `streams` to `sink`. */
export class LineCapture {
  private readonly file: WriteStream | undefined;

  constructor(
    private readonly name: string,
    path: string | undefined,
    private readonly sink: LineSink | undefined,
  ) {
    this.file = path ? createWriteStream(path, { flags: "a" }) : undefined;
    this.file?.on("error", () => {});
  }

  /** Starts reading lines of one stream of a (re)spawned child. */
  attach(stream: Readable | null, kind: "stdout" | "stderr"): void {
    if (!stream) return;
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on("line", (line) => {
      this.file?.write(kind === "stderr" ? `[stderr] ${line}\n` : `${line}\n`);
      try {
        this.sink?.(this.name, line, kind);
      } catch {
        // a faulty sink must never take the supervisor down
      }
    });
  }

  /** Writes a supervisor note (start, exit, restart) into the log file. */
  note(text: string): void {
    this.file?.write(`[supervisor] ${new Date().toISOString()} ${text}\n`);
  }

  /** Flushes and closes the log file. */
  close(): Promise<void> {
    const f = this.file;
    if (!f) return Promise.resolve();
    return new Promise((resolve) => f.end(() => resolve()));
  }
}
