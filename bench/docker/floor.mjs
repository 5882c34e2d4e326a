// The engine's own floor beside bench/docker: `n` containers of the workload created and started at once through the
// Engine API (what `n` parallel `docker run -d` do, without n CLI processes), timed until the last start returns.
// Once on the default bridge network with nothing published (as Swarm's tasks here), once on the host's network
// (as Tugboat's `TUG_DOCKER_NETWORK=host`). Every container is labelled tug.bench=docker-floor and removed after.
import Dockerode from "dockerode";
import { figure, timed, WORKLOAD } from "./common.mjs";

const engine = new Dockerode({ socketPath: process.env.TUG_DOCKER_SOCKET || "/var/run/docker.sock" });
const LABEL = { "tug.bench": "docker-floor", "tug.bench-pid": String(process.pid) };

/** The create body of floor container `i` on `network`; on the host's, each listens on its own port. */
function body(i, network) {
  const port = network === "host" ? 26_000 + i : WORKLOAD.containerPort;
  return {
    Image: WORKLOAD.image1,
    Labels: LABEL,
    Env: [`PORT=${port}`, "HOST=127.0.0.1"],
    HostConfig: {
      Init: true,
      Memory: WORKLOAD.memoryMi * 1024 * 1024,
      RestartPolicy: { Name: "no" },
      ...(network === "host" ? { NetworkMode: "host" } : {}),
    },
  };
}

async function removeAll() {
  const left = await engine.listContainers({ all: true, filters: { label: [`tug.bench-pid=${process.pid}`] } });
  await Promise.all(
    left.map((c) =>
      engine
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}

/** Times `n` parallel create+start on each network; prints and returns the figures by network. */
export async function benchFloor({ big }) {
  const out = {};
  try {
    for (const network of ["bridge", "host"]) {
      const ms = await timed(() =>
        Promise.all(
          Array.from({ length: big }, async (_, i) => (await engine.createContainer(body(i, network))).start()),
        ),
      );
      out[network] = figure("engine", `${big}_parallel_docker_run`, ms, {
        network,
        done_when: "every start returned (the engine's floor: no orchestration, no readiness)",
      });
      await removeAll();
      await new Promise((r) => setTimeout(r, 3_000));
    }
    return out;
  } finally {
    await removeAll();
  }
}
