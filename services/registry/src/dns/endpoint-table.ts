/**
 * An in-memory copy of every service's ready endpoints, for DNS (which must answer without a Redis round trip).
 * Refreshed per deployment on endpoint/deployment hints (so a readiness change reaches DNS within milliseconds)
 * and in full every `resyncMs` (so a lost hint costs at most that long).
 */
import type { Bus } from "@tug/bus";
import { subjects } from "@tug/contracts";
import type { Logger } from "@tug/log";
import { sleep } from "@tug/runtime";
import type { RedisStore } from "@tug/state";
import { endpointsOf } from "@tug/contracts";
import type { DnsEndpoint, ServiceLookup } from "./answer.js";

interface Entry {
  version: number;
  endpoints: DnsEndpoint[];
  key: string;
}

export class EndpointTable implements ServiceLookup {
  private readonly entries = new Map<string, Entry>();
  private version = 0;

  constructor(private readonly store: RedisStore, private readonly log: Logger) {}

  lookup(namespace: string, name: string): Entry | undefined {
    return this.entries.get(`${namespace}/${name}`);
  }

  /** Re-reads one deployment's endpoints. */
  async refresh(id: string): Promise<void> {
    const [dep, replicas, nodes] = await Promise.all([this.store.deployment(id), this.store.replicasOfDeployment(id), this.store.nodes()]);
    if (!dep && replicas.length === 0) {
      this.entries.delete(id);
      return;
    }
    this.set(id, endpointsOf(replicas, nodes));
  }

  /** Re-reads every service. */
  async refreshAll(): Promise<void> {
    const [deps, replicas, nodes] = await Promise.all([this.store.deploymentIds(), this.store.replicas(), this.store.nodes()]);
    const byDep = new Map<string, typeof replicas>(deps.map((d) => [d, []]));
    for (const r of replicas) byDep.set(r.deployment, [...(byDep.get(r.deployment) ?? []), r]);
    for (const id of this.entries.keys()) if (!byDep.has(id)) this.entries.delete(id);
    for (const [id, reps] of byDep) this.set(id, endpointsOf(reps, nodes));
  }

  private set(id: string, eps: DnsEndpoint[]): void {
    const endpoints = eps.map((e) => ({ host: e.host, port: e.port, replica: e.replica }));
    const key = JSON.stringify(endpoints);
    if (this.entries.get(id)?.key === key) return;
    this.entries.set(id, { version: ++this.version, endpoints, key });
  }

  /** Keeps the table fresh until `signal` aborts. */
  async run(bus: Bus, resyncMs: number, signal: AbortSignal): Promise<void> {
    const onHint = (env: { body: unknown }) => {
      const id = (env.body as { id?: unknown })?.id;
      const p = typeof id === "string" && id.includes("/") ? this.refresh(id) : this.refreshAll();
      p.catch((err) => this.log.debug({ err: String(err) }, "endpoint refresh failed"));
    };
    const subs = [bus.subscribe(subjects.hintAll("endpoints"), onHint), bus.subscribe(subjects.hintAll("deployment"), onHint), bus.subscribe(subjects.hintAll("node"), onHint)];
    while (!signal.aborted) {
      await this.refreshAll().catch((err) => this.log.warn({ err: String(err) }, "endpoint resync failed"));
      await sleep(resyncMs, signal);
    }
    for (const s of subs) s.unsubscribe();
  }
}
