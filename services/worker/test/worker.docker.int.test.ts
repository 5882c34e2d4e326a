/**
 * The worker with TUG_DRIVER=docker against a real nats-server and the real Docker engine: an assigned replica
 * becomes a Running, ready container; `docker kill` gets it restarted; a restarted worker adopts the same container.
 * Skips loudly only when no engine can be reached. Containers carry a per-run label and are swept in afterAll.
 */
import type { Template } from "@tug/contracts";
import {
  connectDockerEngine,
  noEngineReason,
  shouldSkip,
  eventually,
  sweepContainers,
  testRunLabels,
  TEST_RUN_LABEL,
  webImageForTests,
} from "@tug/testkit";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignment, webTemplate, WorkerHarness } from "./harness.js";

const runLabels = testRunLabels();
const runId = runLabels[TEST_RUN_LABEL]!;
const docker = await connectDockerEngine();

describe.skipIf(shouldSkip("the docker-driver worker integration tests", noEngineReason(docker)))(
  "worker with the docker driver (integration)",
  () => {
    const engine = docker as Dockerode;
    const h = new WorkerHarness(`it-dw-${runId.slice(0, 8)}`, {
      TUG_DRIVER: "docker",
      TUG_DOCKER_LABELS: `${TEST_RUN_LABEL}=${runId}`,
    });
    let image = "tug-examples/web:1";
    let throwaway = false;
    const template = (): Template => webTemplate({ image });
    const containersOf = async (replica: string) =>
      (
        await engine.listContainers({ filters: { label: [`${TEST_RUN_LABEL}=${runId}`, `tug.replica=${replica}`] } })
      ).map((c) => c.Id);
    const onlyContainer = async (replica: string) => {
      const ids = await containersOf(replica);
      if (ids.length !== 1) throw new Error(`expected one running container for ${replica}, got ${ids.length}`);
      return ids[0]!;
    };

    beforeAll(async () => {
      ({ image, throwaway } = await webImageForTests(engine, runId, runLabels));
      await h.open();
      await h.startWorker();
    }, 180_000);

    afterAll(async () => {
      await h.close();
      await sweepContainers(engine, runLabels);
      if (throwaway)
        await engine
          .getImage(image)
          .remove({ force: true })
          .catch(() => {});
      expect(await engine.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } })).toEqual(
        [],
      );
    });

    it("advertises the docker driver", async () => {
      await eventually(() => expect(h.heartbeats.at(-1)).toMatchObject({ driver: "docker" }));
    });

    it("runs an assigned replica as a container: Running, ready, reachable on its loopback host port", async () => {
      h.assign([assignment("web-a", template())]);
      const s = await eventually(
        () => {
          const r = h.replica("web-a");
          expect(r).toMatchObject({ phase: "Running", ready: true });
          return r;
        },
        { what: "web-a ready" },
      );
      expect(
        await (await fetch(`http://127.0.0.1:${s.hostPort}/`, { signal: AbortSignal.timeout(2_000) })).json(),
      ).toMatchObject({ replica: "web-a", node: h.node, greeting: "ahoy" });
      await onlyContainer("web-a");
    });

    it("restarts a replica whose container was killed (new container, old one removed)", async () => {
      const before = await onlyContainer("web-a");
      const t0 = performance.now();
      await engine.getContainer(before).kill();
      await eventually(() => expect(h.replica("web-a")).toMatchObject({ phase: "Running", ready: true, restarts: 1 }), {
        what: "web-a restarted",
      });
      console.info(`worker/docker: kill → restarted and ready ${(performance.now() - t0).toFixed(0)} ms`);
      const after = await onlyContainer("web-a");
      expect(after).not.toBe(before);
      await eventually(async () =>
        expect(
          await engine
            .getContainer(before)
            .inspect()
            .catch((e) => e.statusCode),
        ).toBe(404),
      );
      const port = h.replica("web-a").hostPort;
      expect(
        await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) })).json(),
      ).toMatchObject({ replica: "web-a" });
    });

    it("a restarted worker adopts the running container (same id), and stops it once no assignment claims it", async () => {
      const id = await onlyContainer("web-a");
      const port = h.replica("web-a").hostPort;
      await h.worker!.stop();
      expect((await engine.getContainer(id).inspect()).State.Running).toBe(true);
      await h.startWorker();
      await eventually(
        () => expect(h.replica("web-a")).toMatchObject({ phase: "Running", ready: true, restarts: 0, hostPort: port }),
        { what: "web-a adopted" },
      );
      expect(await onlyContainer("web-a")).toBe(id);
      h.assign([]);
      await eventually(
        async () =>
          expect(
            await engine
              .getContainer(id)
              .inspect()
              .catch((e) => e.statusCode),
          ).toBe(404),
        { what: "orphan removed" },
      );
    });

    it("a missing image fails the replica with ImageNotFound", async () => {
      h.assign([assignment("web-x", { ...template(), image: `tug-test/absent:${runId.slice(0, 8)}` })]);
      await eventually(() => expect(h.replica("web-x")).toMatchObject({ phase: "Failed", reason: "ImageNotFound" }), {
        what: "web-x failed",
      });
      expect(h.replica("web-x").message).toMatch(/not present on node/);
    });
  },
);
