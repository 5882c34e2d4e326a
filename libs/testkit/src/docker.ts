/**
 * The real Docker Engine for integration tests: reach it (starting dockerd with scripts/start-docker when allowed),
 * skip loudly when there is none, and sweep exactly the containers one test run created (by a per-run label).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";

/** Label key that marks every container of one test run. */
export const TEST_RUN_LABEL = "tug.test-run";

/** A fresh per-run label: `{ "tug.test-run": <uuid> }`. */
export function testRunLabels(): Record<string, string> {
  return { [TEST_RUN_LABEL]: randomUUID() };
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

async function ping(docker: Dockerode): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** True when this process may start dockerd without a password prompt (root, or password-less sudo). */
function mayStartDaemon(): Promise<boolean> {
  if (process.getuid?.() === 0) return Promise.resolve(true);
  return new Promise((r) => execFile("sudo", ["-n", "true"], { timeout: 5_000 }, (err) => r(!err)));
}

/**
 * A client for a reachable engine, or undefined when none can be reached or started (the caller passes that to
 * `shouldSkip`, which skips loudly, or fails under CI).
 */
export async function connectDockerEngine(
  socketPath = process.env.TUG_DOCKER_SOCKET || "/var/run/docker.sock",
): Promise<Dockerode | undefined> {
  const docker = new Dockerode({ socketPath });
  if (await ping(docker)) return docker;
  if (await mayStartDaemon()) {
    await new Promise<void>((r) =>
      execFile("bash", [`${repoRoot}scripts/start-docker`], { timeout: 45_000 }, () => r()),
    );
    if (await ping(docker)) return docker;
  }
  return undefined;
}

/** Why Docker-engine tests cannot run here (no engine reachable or startable), or undefined. */
export function noEngineReason(
  docker: Dockerode | undefined,
  socketPath = process.env.TUG_DOCKER_SOCKET || "/var/run/docker.sock",
): string | undefined {
  return docker
    ? undefined
    : `no Docker engine at ${socketPath} and none could be started (run scripts/start-docker as root, ` +
        `or install docker.io)`;
}

/** Force-removes every container (any state) carrying `key=value`; returns how many it removed. */
export async function sweepContainers(docker: Dockerode, labels: Record<string, string>): Promise<number> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const list = await docker.listContainers({ all: true, filters }).catch(() => []);
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  return list.length;
}

/** True when `image` is present locally. */
export async function hasImage(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds a throwaway example-web image FROM scratch (the host `node` binary and its ldd closure plus
 * examples/web/server.js), labelled `tug.test=1` and `labels`, tagged `tag`. For test setups where the offline
 * images (scripts/images) are not built; remove it at teardown with `docker.getImage(tag).remove()`.
 */
export function buildThrowawayWebImage(tag: string, labels: Record<string, string>): Promise<void> {
  const labelArgs = Object.entries({ "tug.test": "1", ...labels })
    .map(([k, v]) => `--label ${k}=${v}`)
    .join(" ");
  const script = `set -euo pipefail
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
node=$(readlink -f "$(command -v node)")
for f in "$node" $(ldd "$node" | grep -o '/[^ ]*'); do cp -L --parents "$f" "$ctx/"; done
mkdir -p "$ctx/usr/local/bin" "$ctx/app/examples/web" "$ctx/tmp"; chmod 1777 "$ctx/tmp"
cp -L "$node" "$ctx/usr/local/bin/node"
cp "${repoRoot}examples/web/server.js" "$ctx/app/examples/web/"
echo '{ "type": "module" }' > "$ctx/app/package.json"
printf 'FROM scratch\\nCOPY . /\\nENV PATH=/usr/local/bin\\nWORKDIR /app\\nEXPOSE 8080\\nCMD ["node", "examples/web/server.js"]\\n' > "$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q ${labelArgs} -t "${tag}" "$ctx" >/dev/null`;
  return new Promise((resolve, reject) =>
    execFile("bash", ["-c", script], { timeout: 120_000 }, (err, _o, stderr) =>
      err ? reject(new Error(`building ${tag} failed: ${stderr || err.message}`)) : resolve(),
    ),
  );
}

/**
 * The example web image for a docker test: `tug-examples/web:1` when scripts/images built it, else a throwaway
 * FROM-scratch build tagged for this run (`throwaway: true`: remove it at teardown).
 */
export async function webImageForTests(
  docker: Dockerode,
  runId: string,
  labels: Record<string, string>,
): Promise<{ image: string; throwaway: boolean }> {
  if (await hasImage(docker, "tug-examples/web:1")) return { image: "tug-examples/web:1", throwaway: false };
  const image = `tug-test/web:${runId.slice(0, 8)}`;
  console.warn(`tug-examples/web:1 is not built (scripts/images); building throwaway ${image}`);
  await buildThrowawayWebImage(image, labels);
  return { image, throwaway: true };
}
