/** The registry process: serves the HTTP API until stopped. */
import type { Runnable } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { buildApi } from "./api.js";
import { EndpointTable } from "./dns/endpoint-table.js";
import { startDnsServer } from "./dns/server.js";

/** Where the API and DNS listen. */
export interface RegistryOptions {
  apiHost: string;
  apiPort: number;
  dnsHost: string;
  /** 0 = pick a free port; -1 = no DNS server. */
  dnsPort: number;
  /** Full refresh period of DNS's endpoint table (hints refresh it at once in between). */
  dnsResyncMs: number;
  /** The bearer token API writes must carry (undefined: writes are refused). */
  apiToken?: string;
}

/** A Runnable serving DNS (UDP + TCP) from an in-memory endpoint table kept fresh by hints. */
export function dnsServer(deps: ServiceDeps, o: RegistryOptions): Runnable {
  return {
    name: "dns",
    async run(signal) {
      const table = new EndpointTable(deps.store, deps.log);
      await table.refreshAll().catch((err) => deps.log.warn({ err: String(err) }, "initial endpoint load failed"));
      const server = await startDnsServer({
        host: o.dnsHost,
        port: o.dnsPort,
        services: table,
        log: deps.log,
        metrics: deps.metrics,
      });
      await table.run(deps.bus, o.dnsResyncMs, signal);
      await server.close();
    },
  };
}

/** A Runnable that listens with the API app and closes it (ending watches) on abort. */
export function apiServer(deps: ServiceDeps, o: RegistryOptions): Runnable {
  return {
    name: "http-api",
    async run(signal) {
      const app = buildApi({
        store: deps.store,
        intake: deps.bus,
        metrics: deps.metrics,
        log: deps.log,
        hints: deps.bus,
        traffic: deps.bus,
        checks: { nats: () => deps.bus.connected },
        token: o.apiToken,
      });
      const address = await app.listen({ host: o.apiHost, port: o.apiPort });
      deps.log.info({ api: address }, "registry API listening");
      if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      await app.close();
    },
  };
}

/** Builds the registry's parts for `boot`. */
export function buildRegistry(deps: ServiceDeps, o: RegistryOptions): ServiceParts {
  return { runnables: o.dnsPort >= 0 ? [apiServer(deps, o), dnsServer(deps, o)] : [apiServer(deps, o)] };
}
