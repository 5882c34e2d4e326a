/** `tug demo self-healing`: a replica is killed; its node's worker starts it again and it is back in traffic. */
import { killReplica } from "@tug/cluster";
import { apply, exampleApp, replicasOf, serviceOf, waitReady, withApp } from "./app.js";
import type { Demo } from "./demo.js";
import { atAfter, clock, took } from "./narrator.js";
import { waitFor } from "./wait.js";

const NAME = "heal-web";
const REPLICAS = 3;

/** The self-healing demo. */
export const selfHealing: Demo = {
  name: "self-healing",
  title: "a replica that crashes is restarted and back in traffic",
  async run(stage, n) {
    await withApp(n, stage, NAME, async (port) => {
      await apply(stage, exampleApp(NAME, { replicas: REPLICAS, port }));
      const { replicas } = await waitReady(n, stage, NAME, REPLICAS);
      n.say(`${NAME} runs ${REPLICAS} ready replicas: ${replicas.map((r) => `${r.id} on ${r.node}`).join(", ")}`);
      const victim = replicas[0]!;
      const target = await stage.chaosTarget();
      const killedAt = Date.now();
      await killReplica(target, victim.id);
      n.say(`replica ${victim.id} killed at ${clock(killedAt)} (SIGKILL, as a crash would)`);
      const mine = async () => (await replicasOf(stage, NAME)).find((r) => r.id === victim.id);
      const noticed = await waitFor(n, `the worker to notice ${victim.id} died`, 30_000, async () => {
        const r = await mine();
        return r && (r.restarts > victim.restarts || !r.ready) ? Date.now() : undefined;
      });
      n.say(`${victim.node}'s worker saw it exit and took it out of traffic ${atAfter(noticed, killedAt)}`);
      const back = await waitFor(n, `${victim.id} ready again`, 30_000, async () => {
        const r = await mine();
        return r && r.restarts > victim.restarts && r.ready && r.desired === "run" ? r : undefined;
      });
      const backAt = back.readySince && back.readySince >= killedAt ? back.readySince : Date.now();
      n.say(
        `replica ${victim.id} killed at ${clock(killedAt)}; ` +
          `back and ready at ${clock(backAt)} (${took(killedAt, backAt)})`,
      );
      const inTraffic = await waitFor(n, `${victim.id} back among the endpoints`, 30_000, async () =>
        (await serviceOf(stage, NAME)).endpoints.some((e) => e.replica === victim.id) ? Date.now() : undefined,
      );
      n.say(`it is one of ${NAME}'s endpoints again ${atAfter(inTraffic, killedAt)}: restarted in place, no new copy`);
      n.check(back.restarts === victim.restarts + 1, `${victim.id} restarted once (restarts ${back.restarts})`);
      const ready = (await replicasOf(stage, NAME)).filter((r) => r.desired === "run" && r.ready).length;
      n.check(ready === REPLICAS, `${ready} of ${REPLICAS} replicas ready`);
    });
  },
};
