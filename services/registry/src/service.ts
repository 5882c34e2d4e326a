/** The registry process: serves the HTTP API until stopped. */
import type { Runnable } from "@tug/runtime";
import type { ServiceDeps, ServiceParts } from "@tug/service";
import { buildApi } from "./api.js";

/** Where the API listens. */
export interface RegistryOptions {
  apiHost: string;
  apiPort: number;
}

/** A Runnable that listens with the API app and closes it (ending watches) on abort. */
export function apiServer(deps: ServiceDeps, o: RegistryOptions): Runnable {
  return {
    name: "http-api",
    async run(signal) {
      const app = buildApi({ store: deps.store, intake: deps.bus, metrics: deps.metrics, log: deps.log, checks: { nats: () => deps.bus.connected } });
      const address = await app.listen({ host: o.apiHost, port: o.apiPort });
      deps.log.info({ api: address }, "registry API listening");
      if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      await app.close();
    },
  };
}

/** Builds the registry's parts for `boot`. */
export function buildRegistry(deps: ServiceDeps, o: RegistryOptions): ServiceParts {
  return { runnables: [apiServer(deps, o)] };
}
