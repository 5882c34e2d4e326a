/**
 * The Docker driver against the real engine (loopback traffic only). Skips with a loud notice only when no engine
 * can be reached or started. Every container carries a per-run `tug.test-run` label and is swept in afterAll.
 */
import type { Template } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import {
  connectDockerEngine,
  noEngineReason,
  shouldSkip,
  eventually,
  freePort,
  sweepContainers,
  testRunLabels,
  TEST_RUN_LABEL,
  webImageForTests,
} from "@tug/testkit";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  containerSpec,
  DockerDriver,
  type DockerDriverOptions,
  DriverError,
  type ExitEvent,
  type ReplicaSpec,
} from "../src/index.js";

const log = silentLogger();
const runLabels = testRunLabels();
const runId = runLabels[TEST_RUN_LABEL]!;
const NODE = `it-docker-${runId.slice(0, 8)}`;
const docker = await connectDockerEngine();

describe.skipIf(shouldSkip("the Docker driver integration tests", noEngineReason(docker)))(
  "docker driver (real engine)",
  () => {
    const engine = docker as Dockerode;
    const drivers: DockerDriver[] = [];
    let image = "tug-examples/web:1";
    let throwaway = false;
    const exits: ExitEvent[] = [];

    const newDriver = (o: Partial<DockerDriverOptions> = {}) => {
      const d = new DockerDriver({ node: NODE, docker: engine, extraLabels: runLabels, log, ...o });
      d.onExit((e) => exits.push(e));
      drivers.push(d);
      return d;
    };
    const template = (over: Partial<Template> = {}): Template =>
      ({
        image,
        env: { GREETING: "ahoy" },
        ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
        resources: { cpuMillis: 200, memoryBytes: 64 * 1024 * 1024 },
        nodeSelector: {},
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 5,
        ...over,
      }) as Template;
    const spec = async (id: string, t: Template = template()): Promise<ReplicaSpec> => {
      const hostPort = await freePort();
      return {
        id,
        deployment: "default/web",
        revision: 1,
        node: NODE,
        hostPort,
        template: t,
        env: { ...t.env, TUG_REPLICA_ID: id, TUG_NODE: NODE, TUG_REVISION: "1", PORT: String(hostPort) },
      };
    };
    // a request sent while the container's network comes up can hang in docker-proxy: each try has its own timeout
    const answer = (port: number) =>
      eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) })).json(),
        { timeoutMs: 15_000, intervalMs: 25 },
      );
    const exitOf = (ref: string) => exits.find((e) => e.handle.ref === ref);

    beforeAll(async () => {
      ({ image, throwaway } = await webImageForTests(engine, runId, runLabels));
    }, 180_000);

    afterAll(async () => {
      for (const d of drivers) await d.close();
      // a container being created or removed while the sweep lists them shows up a moment later: sweep until none is
      // left
      await eventually(
        async () => {
          await sweepContainers(engine, runLabels);
          const left = await engine.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } });
          expect(left.map((c) => c.Names[0])).toEqual([]);
        },
        { timeoutMs: 30_000, intervalMs: 500, what: "no container of this run left" },
      );
      if (throwaway)
        await engine
          .getImage(image)
          .remove({ force: true })
          .catch(() => {});
    }, 60_000);

    it("starts a labelled, limited container that answers on its loopback host port", async () => {
      const d = newDriver();
      const s = await spec("web-a");
      const t0 = performance.now();
      const h = await d.start(s);
      const started = performance.now() - t0;
      const body = await answer(s.hostPort);
      const serving = performance.now() - t0;
      console.info(`docker driver: create+start ${started.toFixed(0)} ms, first HTTP answer ${serving.toFixed(0)} ms`);
      expect(body).toMatchObject({ replica: "web-a", node: NODE, greeting: "ahoy" });
      const info = await engine.getContainer(h.ref).inspect();
      expect(info.Config.Labels).toMatchObject({
        "tug.replica": "web-a",
        "tug.deployment": "default/web",
        "tug.revision": "1",
        "tug.node": NODE,
        "tug.managed": "1",
        [TEST_RUN_LABEL]: runId,
      });
      expect(info.Config.Env).toContain("PORT=8080");
      expect(info.HostConfig).toMatchObject({
        Init: true,
        NanoCpus: 200_000_000,
        Memory: 64 * 1024 * 1024,
        RestartPolicy: { Name: "no" },
      });
      expect(info.HostConfig.PortBindings).toEqual({
        "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(s.hostPort) }],
      });
      const u = await d.usage(h);
      expect(u?.memoryBytes).toBeGreaterThan(1024 * 1024);
      expect(u?.cpuPercent).toBeGreaterThanOrEqual(0);
      await d.stop(h, 5_000);
    });

    it("reports a docker kill through the event stream with the exit code, and removes the dead container", async () => {
      const d = newDriver();
      const s = await spec("web-kill");
      const h = await d.start(s);
      await answer(s.hostPort);
      const t0 = performance.now();
      await engine.getContainer(h.ref).kill();
      const e = await eventually(() => exitOf(h.ref) ?? Promise.reject(new Error("no exit yet")), {
        timeoutMs: 2_000,
        intervalMs: 10,
      });
      console.info(`docker driver: kill → exit event ${(performance.now() - t0).toFixed(0)} ms`);
      expect(e).toMatchObject({ code: 137, handle: { replicaId: "web-kill" } });
      await eventually(async () =>
        expect(
          await engine
            .getContainer(h.ref)
            .inspect()
            .catch((err) => err.statusCode),
        ).toBe(404),
      );
      expect(await d.usage(h)).toBeUndefined();
    });

    it("a container that crashes on its own carries its last output, and OOMKilled when the memory limit killed it", async () => {
      const d = newDriver();
      const crash = await d.start(
        await spec(
          "web-crash",
          template({
            command: ["node", "-e", "console.log('booting'); console.error('Error: config missing'); process.exit(4)"],
          }),
        ),
      );
      const e = await eventually(() => exitOf(crash.ref) ?? Promise.reject(new Error("no exit yet")), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect(e).toMatchObject({ code: 4 });
      // stdout and stderr are separate streams: the engine may log them in either order
      expect(e.message).toMatch(/^last output: /);
      expect(e.message).toContain("booting");
      expect(e.message).toContain("Error: config missing");
      const hog = "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1));";
      const oom = await d.start(
        await spec(
          "web-oom",
          template({ command: ["node", "-e", hog], resources: { cpuMillis: 200, memoryBytes: 32 * 1024 * 1024 } }),
        ),
      );
      const o = await eventually(() => exitOf(oom.ref) ?? Promise.reject(new Error("no exit yet")), {
        timeoutMs: 20_000,
        intervalMs: 20,
      });
      expect(o).toMatchObject({ code: 137, reason: "OOMKilled" });
    });

    it("runs least-privileged: no-new-privileges, not privileged, a memory limit, and a read-only root when asked", async () => {
      const d = newDriver();
      const writeRoot = "require('fs').writeFileSync('/probe', 'x'); console.log('wrote'); process.exit(0)";
      const ro = await d.start(
        await spec("web-ro", template({ command: ["node", "-e", writeRoot], readOnlyRootFilesystem: true })),
      );
      const e = await eventually(() => exitOf(ro.ref) ?? Promise.reject(new Error("no exit yet")), {
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      expect(e.code).not.toBe(0);
      expect(e.message).toMatch(/EROFS|read-only file system/);
      const rw = await d.start(await spec("web-rw", template({ command: ["node", "-e", writeRoot] })));
      const hc = (await engine.getContainer(rw.ref).inspect()).HostConfig;
      expect(hc).toMatchObject({ Privileged: false, SecurityOpt: ["no-new-privileges:true"], ReadonlyRootfs: false });
      expect(hc.Memory).toBe(64 * 1024 * 1024);
      expect(hc.CapAdd ?? []).toEqual([]);
      expect(hc.Binds ?? []).toEqual([]);
      expect(hc.NetworkMode).not.toBe("host");
      const w = await eventually(() => exitOf(rw.ref) ?? Promise.reject(new Error("no exit yet")), {
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      expect(w.code).toBe(0);
    });

    it("stops gracefully (SIGTERM reaches the app through init) and removes the container; stop is idempotent", async () => {
      const d = newDriver();
      const s = await spec("web-stop");
      const h = await d.start(s);
      await answer(s.hostPort);
      const t0 = performance.now();
      await d.stop(h, 5_000);
      const took = performance.now() - t0;
      console.info(`docker driver: graceful stop ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(4_000);
      expect(exits.filter((e) => e.handle === h)).toEqual([expect.objectContaining({ code: 0 })]);
      expect(
        await engine
          .getContainer(h.ref)
          .inspect()
          .catch((err) => err.statusCode),
      ).toBe(404);
      await d.stop(h, 5_000);
      expect(exits.filter((e) => e.handle === h)).toHaveLength(1);
    });

    it("a fresh driver adopts the running container (same id, host port) and removes exited leftovers", async () => {
      const first = newDriver();
      const s = await spec("web-adopt");
      const h = await first.start(s);
      await answer(s.hostPort);
      await first.close();
      // an exited leftover of this node
      const dead = await spec("web-dead", template({ command: ["node", "-e", "process.exit(3)"] }));
      const { name, body } = containerSpec(dead, { extraLabels: runLabels });
      const leftover = await engine.createContainer({ ...body, name });
      await leftover.start();
      await eventually(async () => expect((await leftover.inspect()).State.Running).toBe(false));

      const second = newDriver();
      const adopted = await second.recover();
      expect(adopted).toEqual([
        expect.objectContaining({
          replicaId: "web-adopt",
          ref: h.ref,
          hostPort: s.hostPort,
          deployment: "default/web",
          revision: 1,
          adopted: true,
        }),
      ]);
      expect(await leftover.inspect().catch((err) => err.statusCode)).toBe(404);
      expect(await answer(s.hostPort)).toMatchObject({ replica: "web-adopt" });
      await engine.getContainer(h.ref).kill();
      await eventually(() => expect(exitOf(h.ref)?.handle).toBe(adopted[0]), { timeoutMs: 3_000 });
    });

    it("on the host's network: the replica listens on its host port at the node address; a fresh driver adopts it", async () => {
      const first = newDriver({ network: "host", startConcurrency: 2 });
      const [a, b, c] = await Promise.all(["web-host-a", "web-host-b", "web-host-c"].map((id) => spec(id)));
      const handles = await Promise.all([a!, b!, c!].map((s) => first.start(s)));
      for (const s of [a!, b!, c!]) expect(await answer(s.hostPort)).toMatchObject({ replica: s.id });
      const info = await engine.getContainer(handles[0]!.ref).inspect();
      expect(info.HostConfig.NetworkMode).toBe("host");
      expect(info.HostConfig.PortBindings ?? {}).toEqual({});
      expect(info.Config.Env).toEqual(expect.arrayContaining([`PORT=${a!.hostPort}`, "TUG_BIND_ADDRESS=127.0.0.1"]));
      await first.close();
      const adopted = await newDriver({ network: "host" }).recover();
      expect(
        adopted
          .filter((h) => h.replicaId.startsWith("web-host-"))
          .map((h) => [h.replicaId, h.hostPort])
          .sort(),
      ).toEqual([a!, b!, c!].map((s) => [s.id, s.hostPort]).sort());
      for (const h of handles) await engine.getContainer(h.ref).remove({ force: true });
    });

    it("fails fast with ImageNotFound (permanent) for an image that is not present, without pulling", async () => {
      const d = newDriver();
      const t0 = performance.now();
      const err = await d
        .start(await spec("web-noimage", template({ image: `tug-test/absent:${runId.slice(0, 8)}` })))
        .catch((e) => e);
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(err).toBeInstanceOf(DriverError);
      expect(err).toMatchObject({ reason: "ImageNotFound", permanent: true });
      expect(err.message).toMatch(/not present on node/);
      const noImage = await d.start(await spec("web-x", template({ image: undefined }))).catch((e) => e);
      expect(noImage).toMatchObject({ reason: "NoImage", permanent: true });
    });
  },
);
