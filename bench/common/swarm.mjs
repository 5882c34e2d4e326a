// Docker Swarm for the benches' side-by-side figures: the docker CLI, a single-node swarm made only when none is
// active (and left again only then), and services created and removed by name.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { until } from "./poll.mjs";

const run = promisify(execFile);

/** Runs `docker …args`, ended after `timeoutMs`; resolves with its stdout, trimmed. */
export async function docker(args, timeoutMs = 120_000) {
  return (await run("docker", args, { timeout: timeoutMs, maxBuffer: 16 << 20 })).stdout.trim();
}

/** Makes the engine a single-node swarm unless it is one; returns whether it was one already. */
export async function joinSwarm() {
  const wasActive = (await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"])) === "active";
  if (!wasActive) await docker(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
  return wasActive;
}

/** Leaves the swarm `joinSwarm` made (not one that was active before it); a failure is ignored. */
export async function leaveSwarm(wasActive) {
  if (!wasActive) await docker(["swarm", "leave", "--force"]).catch(() => {});
}

/** Creates service `name` of `image` (detached, the image not resolved on a registry) with the further `flags`. */
export async function createService(name, image, flags) {
  await docker(["service", "create", "--detach", "--no-resolve-image", "--name", name, ...flags, image]);
}

/** Removes service `name` (a failure is ignored) and waits up to `timeoutMs` until none of its containers is left. */
export async function removeService(name, timeoutMs, everyMs) {
  await docker(["service", "rm", name]).catch(() => {});
  await until(
    "swarm containers gone",
    async () => (await docker(["ps", "-aq", "--filter", `label=com.docker.swarm.service.name=${name}`])) === "",
    timeoutMs,
    everyMs,
  );
}

/** The ids of the running containers of service `name`. */
export async function runningContainers(name) {
  const filters = ["--filter", `label=com.docker.swarm.service.name=${name}`, "--filter", "status=running"];
  return (await docker(["ps", "-q", "--no-trunc", ...filters])).split("\n").filter(Boolean);
}
