/**
 * Progress output for long CLI operations: on a terminal one live line rewritten in place (carriage return + erase),
 * elsewhere (a pipe, a file, CI) plain lines, each written only when the text changes and at most every
 * `minIntervalMs`, so a log stays short.
 */

/** Where progress goes: a stream and whether it is a terminal. */
export interface ProgressSink {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

/** A progress reporter. */
export interface Progress {
  /** Shows `line` as the current state (a TTY rewrites the live line; a pipe gets it as one line when it changed). */
  update(line: string): void;
  /** Prints `line` as a permanent line above the live line (which stays shown on a TTY). */
  log(line: string): void;
  /** Ends the live line (a TTY keeps it as the last state unless `final` replaces it); later updates start anew. */
  done(final?: string): void;
  /** Removes the live line without a trace (a TTY erases it; a pipe forgets a held-back state). */
  clear(): void;
}

/** Options of a progress reporter. */
export interface ProgressOptions {
  /** Not a TTY: write a changed line only when this long passed since the last one (default 0: every change). */
  minIntervalMs?: number;
  /** Clock (for tests). */
  now?: () => number;
}

/** Erases the terminal line the cursor is on and returns to its start (ANSI EL2 + CR). */
const ERASE_LINE = "\r\x1b[2K";

/** A progress reporter on `sink` (default stdout), live on a TTY and line by line otherwise. */
export function progress(sink: ProgressSink = process.stdout, opts: ProgressOptions = {}): Progress {
  return sink.isTTY ? ttyProgress(sink) : lineProgress(sink, opts);
}

function ttyProgress(sink: ProgressSink): Progress {
  let live = "";
  return {
    update(line) {
      if (line === live) return;
      live = line;
      sink.write(`${ERASE_LINE}${line}`);
    },
    log(line) {
      sink.write(`${ERASE_LINE}${line}\n${live}`);
    },
    done(final) {
      if (final !== undefined) sink.write(`${ERASE_LINE}${final}\n`);
      else if (live) sink.write("\n");
      live = "";
    },
    clear() {
      if (live) sink.write(ERASE_LINE);
      live = "";
    },
  };
}

function lineProgress(sink: ProgressSink, opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const every = opts.minIntervalMs ?? 0;
  let last = "";
  let lastAt = -Infinity;
  let pending: string | undefined;
  return {
    update(line) {
      if (line === last) {
        pending = undefined;
        return;
      }
      if (now() - lastAt < every) {
        pending = line;
        return;
      }
      sink.write(`${line}\n`);
      [last, lastAt, pending] = [line, now(), undefined];
    },
    log(line) {
      sink.write(`${line}\n`);
    },
    done(final) {
      // the state the throttle held back is the last one: it is worth a line
      if (pending !== undefined && final === undefined) sink.write(`${pending}\n`);
      if (final !== undefined) sink.write(`${final}\n`);
      [last, lastAt, pending] = ["", -Infinity, undefined];
    },
    clear() {
      pending = undefined;
    },
  };
}
