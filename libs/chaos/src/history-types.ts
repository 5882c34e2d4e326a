/** The records of a chaos run's history and its verdict (history.ts checks them). */

/** One operation of the history. */
export interface HistoryOp {
  /** Deployment id (`default/chaos-3`). */
  id: string;
  op: "apply" | "roll" | "scale" | "delete";
  /** The desired count it asked for (0 for a delete). */
  replicas: number;
  sentAt: number;
  endedAt: number;
  outcome: "ok" | "unknown" | "refused";
  /** What the ack said (ok only); `deleted` for an acknowledged delete. */
  acked?: { replicas: number; revision: number; deleted?: boolean };
}

/** The final state of one object: its desired count and revision, or undefined when it does not exist. */
export type FinalState = Map<string, { replicas: number; revision: number } | undefined>;

/** What the final check found. */
export interface HistoryVerdict {
  operations: number;
  acknowledged: number;
  /** Objects whose last word was an acknowledged operation (and so are checked). */
  checked: number;
  /** Acknowledged operations whose effect is missing from the final state. */
  lost: Array<{ id: string; op: HistoryOp["op"]; detail: string }>;
}
