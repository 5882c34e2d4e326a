/**
 * How soon the controller looks again at a deployment that is still progressing. While its passes change things,
 * soon (`progressMs`); while they change nothing (it waits: replicas pending for room, starting, stopping), the
 * period doubles up to `capMs`, because any change it waits for arrives as a hint anyway (status, bind, removal).
 * A replica that turns available by time alone (minReadySeconds) is looked at when it does.
 */
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";

type Dep = DeploymentRecord | undefined;

/** Per-deployment count of consecutive passes that changed nothing. */
export class IdleBackoff {
  private readonly idle = new Map<string, number>();

  constructor(
    private readonly progressMs: number,
    private readonly capMs: number,
  ) {}

  /** Delay before the next look at `id`; `acted`: this pass wrote something. */
  next(id: string, acted: boolean, dep: Dep, replicas: readonly ReplicaRecord[], now: number): number {
    const n = acted ? 0 : (this.idle.get(id) ?? 0) + 1;
    this.idle.set(id, n);
    const backoff = Math.min(this.capMs, this.progressMs * 2 ** Math.min(n, 20));
    return Math.max(this.progressMs, Math.min(backoff, untilAvailable(dep, replicas, now) ?? Infinity));
  }

  /** `id` is settled or gone: forget it. */
  forget(id: string): void {
    this.idle.delete(id);
  }
}

/** Ms until the first ready replica of `dep` becomes available by minReadySeconds (undefined: none will by time). */
export function untilAvailable(dep: Dep, replicas: readonly ReplicaRecord[], now: number): number | undefined {
  const minReadyMs = (dep?.strategy.minReadySeconds ?? 0) * 1000;
  if (minReadyMs === 0) return undefined;
  let next: number | undefined;
  for (const r of replicas) {
    if (!r.ready || r.readySince === undefined || now - r.readySince >= minReadyMs) continue;
    const at = r.readySince + minReadyMs - now;
    next = next === undefined ? at : Math.min(next, at);
  }
  return next;
}
