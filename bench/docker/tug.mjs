// Tugboat's half of bench/docker: a 2-node local cluster (docker driver, default timings) on free loopback ports and
// a temp data dir; the scenarios run one after another, and everything it started is stopped and removed at the end.
import { execFileSync } from "node:child_process";
import { startBenchCluster } from "../common/cluster.mjs";
import { figure, manifest, surge, timed, until, WORKLOAD } from "./common.mjs";

const LONG = 900_000;

/** Scenarios on one cluster; each returns figure lines keyed by scenario. */
class TugBench {
  /**
   * @param b a bench cluster (startBenchCluster)
   * @param network the containers' network (`bridge` or `host`), carried on every figure
   */
  constructor(b, network) {
    this.b = b;
    this.store = b.store;
    this.network = network;
  }

  /** Prints one Tugboat figure, tagged with the network. */
  figure(scenario, samplesMs, extra = {}) {
    return figure("tugboat", scenario, samplesMs, { network: this.network, ...extra });
  }

  intake(verb, body) {
    return this.b.intake(verb, body);
  }

  /** Replicas of `name` that should run, are Running and ready (at `revision` when given). */
  async ready(name, revision) {
    return (await this.store.replicasOfDeployment(`default/${name}`)).filter(
      (r) =>
        r.desired === "run" && r.phase === "Running" && r.ready && (revision === undefined || r.revision === revision),
    );
  }

  /**
   * Waits until `n` replicas of `name` (at `revision` when given) should run and do, nothing else left; returns
   * { running, ready }: ms from `t0` until all were Running (a container started, what Swarm calls running) and
   * until all were also ready. Throws when the deployment left `revision` (a rollback).
   */
  async allUp(name, n, revision, t0 = Date.now()) {
    let running;
    await until(
      `${n} ready`,
      async () => {
        const all = await this.store.replicasOfDeployment(`default/${name}`);
        if (revision !== undefined) {
          const dep = await this.store.deployment(`default/${name}`);
          if (dep && dep.revision !== revision)
            throw new Error(`bench/docker: revision ${revision} rolled back: ${JSON.stringify(dep.condition)}`);
        }
        const mine = all.filter((r) => r.desired === "run" && (revision === undefined || r.revision === revision));
        const up = all.length === n && mine.length === n && mine.every((r) => r.phase === "Running");
        if (up && running === undefined) running = Date.now() - t0;
        return up && mine.every((r) => r.ready);
      },
      LONG,
      100,
    );
    return { running, ready: Date.now() - t0 };
  }

  /** Running containers of this cluster: replica id → container id. */
  containers() {
    const out = execFileSync(
      "docker",
      [
        "ps",
        "--no-trunc",
        "--filter",
        `label=tug.cluster=${this.b.prefix}`,
        "--format",
        '{{.ID}} {{.Label "tug.replica"}}',
      ],
      { encoding: "utf8" },
    );
    return new Map(
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ").reverse()),
    );
  }

  async deleteAndDrain(name) {
    await this.intake("delete", { namespace: "default", name });
    await until(
      "no container left",
      async () =>
        execFileSync("docker", ["ps", "-aq", "--filter", `label=tug.cluster=${this.b.prefix}`], {
          encoding: "utf8",
        }).trim() === "",
      LONG,
      250,
    );
  }

  /** Both figures of one timed change: → all Running, → all ready. */
  twoFigures(scenario, t, extra = {}) {
    return {
      running: this.figure(scenario, t.running, {
        ...extra,
        done_when: "all replicas Running (container started, as Swarm's running)",
      }),
      ready: this.figure(`${scenario}_ready`, t.ready, {
        ...extra,
        done_when: "all replicas Running and ready (readiness probe passed)",
      }),
    };
  }

  async converge(name, n) {
    const t0 = Date.now();
    await this.intake("apply", manifest(name, n, WORKLOAD.image1));
    return this.twoFigures(`converge_${n}_from_nothing`, await this.allUp(name, n, undefined, t0));
  }

  /** `trials` kills of distinct replicas (first crash each, no backoff): → a new container running, → ready. */
  async kill(name, n, trials) {
    const running = [],
      ready = [];
    const victims = (await this.ready(name)).slice(0, trials);
    for (const v of victims) {
      await this.allUp(name, n);
      const old = this.containers().get(v.id);
      const t0 = Date.now();
      execFileSync("docker", ["kill", old], { stdio: "ignore" });
      await until(
        "container running again",
        async () => {
          const c = this.containers().get(v.id);
          return c && c !== old;
        },
        LONG,
        50,
      );
      running.push(Date.now() - t0);
      await until(
        "ready again",
        async () => {
          const r = await this.store.replica(v.id);
          return r?.ready && (r.readySince ?? 0) > t0;
        },
        LONG,
        50,
      );
      ready.push(Date.now() - t0);
    }
    return {
      running: this.figure("container_kill_to_running", running, { replicas: n }),
      ready: this.figure("container_kill_to_ready", ready, { replicas: n }),
    };
  }

  async scale(name, to) {
    const t0 = Date.now();
    await this.intake("scale", { namespace: "default", name, replicas: to });
    return this.twoFigures(`scale_10_to_${to}`, await this.allUp(name, to, undefined, t0));
  }

  async rollingReplace(name, n) {
    const ms = await timed(async () => {
      await this.intake("apply", manifest(name, n, WORKLOAD.image2));
      await this.allUp(name, n, 2);
    });
    return this.figure(`rolling_replace_${n}`, ms, {
      max_surge: surge(n),
      max_unavailable: 0,
      done_when: `all ${n} ready on revision 2, none of revision 1 left running`,
    });
  }
}

/**
 * Runs every scenario on Tugboat (`big` replicas for the large ones, `trials` kills) with its containers on `network`
 * (`bridge`, the default, or `host`: TUG_DOCKER_NETWORK); returns figures by scenario.
 */
export async function benchTug(repoRoot, { big, trials, network = "bridge" }) {
  const cluster = await startBenchCluster({
    name: "docker",
    nodes: 2,
    driver: "docker",
    portsFrom: 24_000,
    repoRoot,
    env: { TUG_DOCKER_NETWORK: network },
  });
  const b = new TugBench(cluster, network);
  const f = {};
  try {
    f.converge10 = await b.converge("small", 10);
    Object.assign(f, await b.kill("small", 10, trials));
    f.scale = await b.scale("small", big);
    f.rolling = await b.rollingReplace("small", big);
    await b.deleteAndDrain("small");
    f.convergeBig = await b.converge("big", big);
    await b.deleteAndDrain("big");
    return f;
  } finally {
    await cluster.close();
  }
}
