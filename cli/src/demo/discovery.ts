/** `tug demo discovery`: a stable name (DNS and the registry API) that follows the live replicas as they change. */
import { fqdn } from "../commands/resolve.js";
import { query } from "../dns-client.js";
import { apply, exampleApp, scale, serviceOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import { atAfter, clock } from "./narrator.js";
import type { Stage } from "./stage.js";
import { waitFor } from "./wait.js";

const NAME = "disc-web";

/** The discovery demo. */
export const discovery: Demo = {
  name: "discovery",
  title: "one stable name that always resolves to the live replicas",
  async run(stage, n) {
    const name = fqdn(NAME, "default");
    await withApp(n, stage, NAME, async (port) => {
      await apply(stage, exampleApp(NAME, { replicas: 2, port }));
      await waitReady(n, stage, NAME, 2);
      const first = await waitFor(n, `DNS to answer 2 records for ${name}`, 30_000, async () => {
        const srv = await dnsTargets(stage, name);
        return srv.length === 2 ? srv : undefined;
      });
      n.say(`${name} (DNS on ${stage.dns.host}:${stage.dns.port}) answers SRV ${first.join(", ")}`);
      n.check(await sameAsRegistry(stage, first), "DNS answers exactly the registry's endpoints");
      const view = await serviceOf(stage, NAME);
      // a client watching the service (GET ?watch=1&index=N) is woken by the change
      const watching = fetch(new URL(`/v1/services/default/${NAME}?watch=1&index=${view.index}`, stage.apiUrl), {
        signal: AbortSignal.timeout(60_000),
      }).then(() => Date.now());
      const scaledAt = Date.now();
      await scale(stage, NAME, 4);
      n.say(`scaled ${NAME} 2 → 4 at ${clock(scaledAt)}`);
      const woke = await watching;
      n.say(`a client watching ${NAME} (watch=1&index=${view.index}) was woken ${atAfter(woke, scaledAt)}`);
      const four = await waitFor(n, `DNS to answer 4 records for ${name}`, 45_000, async () => {
        const srv = await dnsTargets(stage, name);
        return srv.length === 4 ? { srv, at: Date.now() } : undefined;
      });
      n.say(`DNS answers 4 records ${atAfter(four.at, scaledAt)}: only ready replicas are in it`);
      n.check(await sameAsRegistry(stage, four.srv), "DNS answers exactly the registry's endpoints after the change");
      const unknown = await query(stage.dns, fqdn("no-such-app", "default"), "A").then(
        () => "an answer",
        (e: Error) => e.message,
      );
      n.check(/NXDOMAIN/i.test(unknown), `an unknown name gets NXDOMAIN (${unknown})`);
    });
  },
};

/** The SRV answers of `name` as `target:port`, sorted (none while the name does not resolve). */
async function dnsTargets(stage: Stage, name: string): Promise<string[]> {
  const srv = await query(stage.dns, name, "SRV").catch(() => []);
  return srv.map((r) => r.data.split(" ")[0]!).sort();
}

/** True when the SRV answers name the registry's endpoints: the same ports, one record each. */
async function sameAsRegistry(stage: Stage, targets: string[]): Promise<boolean> {
  const ports = (list: string[]) => list.map((t) => t.slice(t.lastIndexOf(":") + 1)).sort();
  const eps = (await serviceOf(stage, NAME)).endpoints.map((e) => `${e.host}:${e.port}`);
  return ports(eps).join(",") === ports(targets).join(",");
}
