/** The invariants a chaos run checks, and a bounded, de-duplicated book of their violations. */

/** Names of the invariants checked continuously (plus `converge`, checked once faults stop). */
export const INVARIANTS = [
  "ack-lost",
  "too-many-ready",
  "too-few-ready",
  "node-overcommit",
  "replica-elsewhere",
  "converge",
  // on a hosts lab (host-monitor.ts)
  "endpoint-of-notready-node",
  "too-many-copies",
] as const;
export type Invariant = (typeof INVARIANTS)[number];

/** One violation. */
export interface Violation {
  at: number;
  invariant: Invariant;
  /** What it is about (a deployment, node or replica id). */
  subject: string;
  detail: string;
}

/**
 * Collects violations; the same (invariant, subject) counts once per `quietMs` so one fault is not a thousand lines.
 */
export class ViolationBook {
  private readonly last = new Map<string, number>();
  readonly list: Violation[] = [];

  constructor(
    private readonly quietMs = 10_000,
    private readonly cap = 1_000,
    /** Hears of each violation as it is recorded (the run's log: a long run says what broke when it breaks). */
    private readonly onAdd?: (v: Violation) => void,
  ) {}

  /** Records a violation (unless the same one was recorded within `quietMs`). */
  add(invariant: Invariant, subject: string, detail: string, now = Date.now()): void {
    const key = `${invariant}|${subject}`;
    const prev = this.last.get(key);
    if (prev !== undefined && now - prev < this.quietMs) return;
    this.last.set(key, now);
    const v = { at: now, invariant, subject, detail };
    if (this.list.length < this.cap) this.list.push(v);
    this.onAdd?.(v);
  }

  get count(): number {
    return this.list.length;
  }
}
