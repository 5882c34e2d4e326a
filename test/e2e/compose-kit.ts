/**
 * Helpers of the compose end-to-end test: bounded commands, the fixed host ports compose.yaml binds, and the
 * containers and volumes of one compose project (found by compose's and Tugboat's labels only).
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Every 127.0.0.1 port compose.yaml listens on with host networking (NATS, Redis, API, DNS, health ports, proxy of
 * examples/web.yaml).
 */
export const COMPOSE_PORTS = [4222, 8222, 6379, 7070, 5353, 7101, 7102, 7103, 7104, 7105, 7106, 7107, 7108, 18080];

/** Output of one command; rejects (with stderr) on a non-zero exit or after `timeoutMs` (the child is killed). */
export function sh(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd: REPO, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 << 20, env: { ...process.env, ...opts.env } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${cmd} ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** Lines of `docker <args>` output, empty lines dropped. */
export async function dockerLines(...args: string[]): Promise<string[]> {
  return (await sh("docker", args)).split("\n").filter(Boolean);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The ports of `ports` something already listens on (127.0.0.1, TCP). */
export async function busyPorts(ports: number[] = COMPOSE_PORTS): Promise<number[]> {
  const free = await Promise.all(ports.map(bindable));
  return ports.filter((_, i) => !free[i]);
}

/**
 * True when docker-compose v1 is on the PATH or `docker compose` v2 answers (slow to start on a busy machine: 90 s).
 */
export async function hasCompose(): Promise<boolean> {
  const ok = (cmd: string, args: string[]) =>
    sh(cmd, args, { timeoutMs: 90_000 }).then(
      () => true,
      () => false,
    );
  return (await ok("sh", ["-c", "command -v docker-compose"])) || (await ok("docker", ["compose", "version"]));
}

/** Container id of compose service `service` of `project` (any state). */
export async function serviceContainer(project: string, service: string): Promise<string> {
  const [id] = await dockerLines(
    "ps",
    "-aq",
    "--no-trunc",
    "--filter",
    `label=com.docker.compose.project=${project}`,
    "--filter",
    `label=com.docker.compose.service=${service}`,
  );
  if (!id) throw new Error(`no container for service ${service} of project ${project}`);
  return id;
}

/** Running replica containers of cluster `project`: container id → { replica, node }. */
export async function replicaContainers(
  project: string,
  all = false,
): Promise<Map<string, { replica: string; node: string }>> {
  const lines = await dockerLines(
    "ps",
    ...(all ? ["-a"] : []),
    "--no-trunc",
    "--filter",
    `label=tug.cluster=${project}`,
    "--filter",
    "label=tug.managed=1",
    "--format",
    '{{.ID}} {{.Label "tug.replica"}} {{.Label "tug.node"}}',
  );
  return new Map(
    lines.map((l) => l.split(" ")).map(([id, replica, node]) => [id!, { replica: replica!, node: node! }]),
  );
}

/** Every container (any state) and volume compose created for `project`. */
export async function projectLeftovers(project: string): Promise<{ containers: string[]; volumes: string[] }> {
  return {
    containers: await dockerLines("ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`),
    volumes: await dockerLines("volume", "ls", "-q", "--filter", `label=com.docker.compose.project=${project}`),
  };
}
