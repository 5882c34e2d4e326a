/** Registry entry point: the only file reading the environment. */
import { boot, intEnv, readConfig } from "@tug/service";
import { DEEP_RESYNC_MS } from "@tug/state";
import { apiTlsOf } from "./api-tls.js";
import { buildRegistry } from "./service.js";

const config = readConfig("registry");
const apiHost = config.env.TUG_API_HOST || "127.0.0.1";
void boot(config, (deps) =>
  buildRegistry(deps, {
    apiHost,
    apiTls: apiTlsOf(apiHost, config.env.TUG_API_TLS_CERT, config.env.TUG_API_TLS_KEY),
    apiPort: intEnv(config.env, "TUG_API_PORT", 7070),
    dnsHost: config.env.TUG_DNS_HOST || "127.0.0.1",
    dnsPort: intEnv(config.env, "TUG_DNS_PORT", 5353),
    dnsResyncMs: intEnv(config.env, "TUG_DNS_RESYNC_MS", 1_000),
    deepResyncMs: intEnv(config.env, "TUG_DEEP_RESYNC_MS", DEEP_RESYNC_MS),
    dnsWorkers: intEnv(config.env, "TUG_DNS_WORKERS", 0),
    apiTokens: { file: config.env.TUG_API_TOKEN_FILE, value: config.env.TUG_API_TOKEN },
  }),
);
