/** `tug resolve NAME[.NS]`: what the registry API and its DNS server say a service name resolves to. */
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import type { ServiceView } from "../api-types.js";
import { serviceName } from "../args.js";
import { contextOf } from "../context.js";
import { type DnsRecord, dnsServer, query } from "../dns-client.js";
import { render, table } from "../format.js";

/** The fully qualified service name. */
export function fqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.tug.internal`;
}

/** The registry's view as text: the DNS name, then one line per endpoint. */
export function resolveText(s: ServiceView): string {
  const head = `registry: ${fqdn(s.name, s.namespace)} (revision ${s.revision}, index ${s.index}): ${s.endpoints.length} endpoint(s)`;
  if (s.endpoints.length === 0) return head;
  return `${head}\n${table(
    ["address", "replica", "node"],
    s.endpoints.map((e) => [`${e.host}:${e.port}`, e.replica, e.node]),
  )}`;
}

/** The DNS answers as text (or why there are none). */
export function dnsText(answers: DnsRecord[] | Error): string {
  if (answers instanceof Error) return `dns: ${answers.message}`;
  if (answers.length === 0) return "dns: no records";
  return `dns:\n${table(
    ["type", "ttl", "data"],
    answers.map((a) => [a.type, a.ttl, a.data]),
  )}`;
}

/** The `--dns host:port` option (env TUG_DNS, default 127.0.0.1:5353); its value is parsed to `{ host, port }`. */
export function dnsOption(what: string): Option {
  return new Option("--dns <host:port>", what)
    .env("TUG_DNS")
    .default("127.0.0.1:5353")
    .argParser((v) => {
      try {
        return dnsServer(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    });
}

/** Registers `resolve`. */
export function resolveCommand(program: Command): void {
  program
    .command("resolve")
    .description("show what the registry and DNS say a service name resolves to")
    .argument("<name>", "NAME or NAME.NAMESPACE", serviceName)
    .addOption(dnsOption("registry DNS server"))
    .action(
      async (
        svc: { name: string; namespace: string },
        opts: { dns: string | { host: string; port: number } },
        cmd: Command,
      ) => {
        const ctx = contextOf(cmd);
        const server = typeof opts.dns === "string" ? dnsServer(opts.dns) : opts.dns;
        const name = fqdn(svc.name, svc.namespace);
        const [registry, srv, a] = await Promise.all([
          ctx.api.get<ServiceView>(`/v1/services/${svc.namespace}/${svc.name}`).catch((e: Error) => e),
          query(server, name, "SRV").catch((e: Error) => e),
          query(server, name, "A").catch((e: Error) => e),
        ]);
        const dns = srv instanceof Error ? srv : a instanceof Error ? [...srv] : [...srv, ...a];
        ctx.out(
          render(
            {
              registry: registry instanceof Error ? { error: registry.message } : registry,
              dns: dns instanceof Error ? { error: dns.message } : dns,
            },
            ctx.output,
            () =>
              [registry instanceof Error ? `registry: ${registry.message}` : resolveText(registry), dnsText(dns)].join(
                "\n",
              ),
          ),
        );
        if (registry instanceof Error) process.exitCode = 1;
      },
    );
}
