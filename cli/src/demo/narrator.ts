/**
 * The demos' narration: plain sentences stamped with wall-clock times measured live (`12:00:01.200`), durations
 * (`0.41 s`), and the outcome checks each demo makes. Formatting is pure; the Narrator writes through a sink.
 */
import { type Progress, progress, type ProgressSink } from "../progress.js";

/** `12:00:01.200`: the local wall-clock time of `at` (epoch ms) to the millisecond. */
export function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, "0");
  const ms = String(d.getMilliseconds()).padStart(3, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${ms}`;
}

/** `0.41 s`: how long from `from` to `to` (ms), two decimals below 10 s, one above. */
export function took(from: number, to: number): string {
  const s = Math.max(0, to - from) / 1000;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/** `at 12:00:01.610 (0.41 s)`: a moment and how long after `since` it came. */
export function atAfter(at: number, since: number): string {
  return `at ${clock(at)} (${took(since, at)})`;
}

/** One outcome check of a demo. */
export interface Check {
  ok: boolean;
  /** What was checked, in plain words (`5 of 5 replicas ready`). */
  what: string;
}

/** The line a check prints: `  ok    5 of 5 replicas ready` or `  FAIL  …`. */
export function checkLine(c: Check): string {
  return `  ${c.ok ? "ok  " : "FAIL"}  ${c.what}`;
}

/** The heading of a demo: `== self-healing: a replica that crashes is restarted ==`. */
export function heading(name: string, title: string): string {
  return `== ${name}: ${title} ==`;
}

/** The closing line of a demo. */
export function verdict(name: string, checks: readonly Check[], elapsedMs: number): string {
  const failed = checks.filter((c) => !c.ok).length;
  const secs = (elapsedMs / 1000).toFixed(1);
  return failed === 0
    ? `== ${name}: passed (${checks.length} checks, ${secs} s) ==`
    : `== ${name}: FAILED (${failed} of ${checks.length} checks, ${secs} s) ==`;
}

/** Writes a demo's story: sentences, checks, and a live "waiting for …" line on a terminal. */
export class Narrator {
  private readonly checks: Check[] = [];
  private readonly live: Progress | undefined;

  constructor(private readonly sink: ProgressSink = process.stdout) {
    // only a terminal shows what a demo waits for; a log gets the sentences alone
    this.live = sink.isTTY ? progress(sink) : undefined;
  }

  /** One sentence of the story. */
  say(text: string): void {
    this.write(`  ${text}`);
  }

  /** A line outside the story (headings, verdicts). */
  line(text: string): void {
    this.write(text);
  }

  /** Shows what the demo waits for, on a terminal only. */
  waiting(text: string): void {
    this.live?.update(`  … ${text}`);
  }

  /** Records and prints one outcome check; returns whether it held. */
  check(ok: boolean, what: string): boolean {
    const c = { ok, what };
    this.checks.push(c);
    this.write(checkLine(c));
    return ok;
  }

  /** The checks made so far (from the given index on). */
  checksSince(index = 0): Check[] {
    return this.checks.slice(index);
  }

  /** How many checks were made so far. */
  get checkCount(): number {
    return this.checks.length;
  }

  private write(line: string): void {
    this.live?.clear();
    this.sink.write(`${line}\n`);
  }
}
