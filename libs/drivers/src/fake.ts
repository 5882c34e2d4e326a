/** The fake driver: starts nothing. Replicas are running at once; used for scale tests with many hollow nodes. */
import { ExitListeners } from "./exit-listeners.js";
import type { Driver, ExitEvent, ReplicaSpec, RuntimeHandle, Usage } from "./types.js";
import { carriedGuard } from "./guard.js";

/** A driver whose replicas exist only in memory. `crash()` simulates an exit (for tests). */
export class FakeDriver implements Driver {
  readonly name = "fake";
  readonly hollow = true;
  private readonly exits = new ExitListeners();
  private readonly running = new Map<string, RuntimeHandle>();
  private seq = 0;

  async start(spec: ReplicaSpec): Promise<RuntimeHandle> {
    const handle: RuntimeHandle = {
      replicaId: spec.id,
      deployment: spec.deployment,
      revision: spec.revision,
      hostPort: spec.hostPort,
      ref: `fake-${++this.seq}`,
      startedAt: Date.now(),
      adopted: false,
      ...carriedGuard(spec.template.disconnect?.stopAfterSeconds),
    };
    this.running.set(handle.ref, handle);
    return handle;
  }

  async stop(handle: RuntimeHandle): Promise<void> {
    if (this.running.delete(handle.ref)) this.exits.emit({ handle, code: null, signal: "SIGTERM" });
  }

  async recover(): Promise<RuntimeHandle[]> {
    return [];
  }

  onExit(listener: (e: ExitEvent) => void): () => void {
    return this.exits.add(listener);
  }

  async usage(handle: RuntimeHandle): Promise<Usage | undefined> {
    return this.running.has(handle.ref) ? { cpuPercent: 0, memoryBytes: 0 } : undefined;
  }

  /** Simulates the replica's process exiting with `code` (tests). Returns false when it was not running. */
  crash(replicaId: string, code: number | null = 1): boolean {
    const handle = [...this.running.values()].find((h) => h.replicaId === replicaId);
    if (!handle) return false;
    this.running.delete(handle.ref);
    this.exits.emit({ handle, code, signal: code === null ? "SIGKILL" : null });
    return true;
  }

  /** Ids of replicas currently "running". */
  runningIds(): string[] {
    return [...this.running.values()].map((h) => h.replicaId);
  }

  async close(): Promise<void> {
    this.exits.clear();
  }
}
