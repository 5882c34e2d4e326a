/** The registry process: serves the HTTP API until stopped. */
import type { Runnable } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { buildApi } from "./api.js";
import { EndpointTable } from "./dns/endpoint-table.js";
import { type DnsServer, startDnsServer } from "./dns/server.js";
import { type ApiTlsFiles, readApiTls } from "./api-tls.js";
import { type ApiTokens, followApiTokens, type TokenSettings } from "./token-source.js";

/** Where the API and DNS listen. */
export interface RegistryOptions {
  apiHost: string;
  apiPort: number;
  dnsHost: string;
  /** 0 = pick a free port; -1 = no DNS server. */
  dnsPort: number;
  /** Endpoint-index check period of DNS's endpoint table (hints refresh it at once in between). */
  dnsResyncMs: number;
  /** Period of the full re-read of DNS's endpoint table, every replica included (ms; default DEEP_RESYNC_MS). */
  deepResyncMs?: number;
  /** Extra processes answering DNS over UDP on the same socket (TUG_DNS_WORKERS; 0 = this process only). */
  dnsWorkers?: number;
  /** Serve the API over TLS with these files (see api-tls.ts; required for a non-loopback apiHost). */
  apiTls?: ApiTlsFiles;
  /** Where the bearer tokens API writes must carry come from (none: writes are refused). */
  apiTokens?: TokenSettings;
}

/**
 * A Runnable serving DNS (UDP + TCP) from an in-memory endpoint table kept fresh by hints; `health.dns` reports
 * whether its worker processes run.
 */
export function dnsServer(deps: ServiceDeps, o: RegistryOptions): Runnable & { healthy(): boolean } {
  let server: DnsServer | undefined;
  return {
    name: "dns",
    healthy: () => server?.healthy() ?? true,
    async run(signal) {
      const table = new EndpointTable(deps.store, deps.log, undefined, o.deepResyncMs);
      await table.refreshAll().catch((err) => deps.log.warn({ err: String(err) }, "initial endpoint load failed"));
      server = await startDnsServer({
        host: o.dnsHost,
        port: o.dnsPort,
        services: table,
        log: deps.log,
        metrics: deps.metrics,
        workers: o.dnsWorkers,
      });
      await table.run(deps.bus, o.dnsResyncMs, signal);
      await server.close();
    },
  };
}

/** A Runnable that listens with the API app and closes it (ending watches) on abort. */
export function apiServer(deps: ServiceDeps, o: RegistryOptions, tokens: ApiTokens): Runnable {
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
        token: () => tokens.list(),
        https: o.apiTls && readApiTls(o.apiTls),
      });
      const address = await app.listen({ host: o.apiHost, port: o.apiPort });
      deps.log.info({ api: address }, "registry API listening");
      if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      await app.close();
      tokens.close();
    },
  };
}

/** Builds the registry's parts for `boot`. */
export function buildRegistry(deps: ServiceDeps, o: RegistryOptions): ServiceParts {
  const api = apiServer(deps, o, followApiTokens(o.apiTokens ?? {}, deps.log)); // a bad token setting stops the start
  if (o.dnsPort < 0) return { runnables: [api] };
  const dns = dnsServer(deps, o);
  return { runnables: [api, dns], checks: { "dns-workers": () => dns.healthy() } };
}
