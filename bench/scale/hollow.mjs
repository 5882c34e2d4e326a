// Hollow-node processes for bench/scale: `count` nodes split over processes of at most `perProcess`, each running
// services/worker/dist/hollow-main.js against the cluster's NATS (as `tug hollow` does), stopped together. Process i
// speaks as one NATS identity for its nodes h<i>-1 … h<i>-<n> (as `tug node add h<i> --hollow n` makes it).
import { spawn } from "node:child_process";
import { addNode, hollowEntry, hollowEnv } from "../../libs/cluster/dist/index.js";

/** Starts the processes; returns { procs: [{ name, pid }], stop() }. */
export function startHollow({ natsUrl, dataDir, count, perProcess = 2500, heartbeatMs = 1000, repoRoot }) {
  const procs = [];
  for (let first = 1, i = 1; first <= count; first += perProcess, i++) {
    const nodes = Math.min(perProcess, count - first + 1);
    const { creds } = addNode(dataDir, `h${i}`, { hollow: nodes });
    const env = hollowEnv({ join: natsUrl, nodes, prefix: `h${i}`, heartbeatMs, logLevel: "error", repoRoot, creds });
    const child = spawn(process.execPath, [hollowEntry(repoRoot)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    procs.push({ name: `hollow-${i}`, pid: child.pid, child });
  }
  return {
    procs,
    async stop() {
      await Promise.all(
        procs.map(
          ({ child }) =>
            new Promise((r) => {
              if (child.exitCode !== null) return r();
              child.once("exit", r);
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }),
        ),
      );
    },
  };
}
