/**
 * Pure translation of a replica into Docker Engine API terms: the container create body (labels, env, command,
 * limits, loopback port bindings) and, back the other way, what an existing container says about its replica.
 */
import { randomBytes } from "node:crypto";
import type { ContainerCreateOptions } from "dockerode";
import { carriedGuard } from "./guard.js";
import type { ReplicaSpec } from "./types.js";

/** Label names every Tugboat container carries (design §2), plus `tug.managed=1` for the event filter. */
export const LABELS = {
  replica: "tug.replica",
  deployment: "tug.deployment",
  revision: "tug.revision",
  node: "tug.node",
  managed: "tug.managed",
  /** The template's disconnect.stopAfterSeconds, when it has one (RuntimeHandle.stopAfterSeconds). */
  stopAfterSeconds: "tug.stop-after-seconds",
} as const;

/** The label selector matching every container Tugboat manages. */
export const MANAGED_SELECTOR = `${LABELS.managed}=1`;

/** The container port a replica listens on when its template declares none. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** Docker refuses memory limits below 6 MiB; smaller requests are limited to this much (a limit is always set). */
export const MIN_MEMORY_LIMIT = 6 * 1024 * 1024;

/** Extra inputs of the create body that do not come from the replica. */
export interface ContainerSpecOptions {
  /** Labels added to every container (e.g. `tug.test-run=<uuid>` so a test sweeps exactly its own). */
  extraLabels?: Record<string, string>;
  /** Host ports for the template's second, third… ports; ports without one stay unpublished. */
  extraHostPorts?: number[];
  /** Suffix that keeps names unique across restarts of one replica; random when omitted. */
  nameSuffix?: string;
  /** Host address the ports are published on: the node's advertised address (default 127.0.0.1). */
  hostIp?: string;
  /** The container's network (default `bridge`); see {@link DockerNetwork}. */
  network?: DockerNetwork;
}

/**
 * `bridge`: a network namespace per container, ports published by the engine (docker-proxy). `host`: the engine's
 * own network namespace, as the process driver: the replica listens on its host ports itself (`PORT` is the main
 * host port, `PORT_<containerPort>` each declared port's, `HOST` and `TUG_BIND_ADDRESS` the node address). It saves
 * the namespace, veth and proxy set-up of every start (the engine starts 50 copies in 13 s instead of 33 s here), at
 * the price of isolation: the replica sees the host's interfaces and loopback services.
 */
export type DockerNetwork = "bridge" | "host";

/** The networks `TUG_DOCKER_NETWORK` accepts. */
export const DOCKER_NETWORKS: readonly DockerNetwork[] = ["bridge", "host"];

/** The create body plus the container name. */
export interface ContainerSpec {
  name: string;
  body: ContainerCreateOptions;
}

/** The container port of the replica's main (first) port. */
export function mainContainerPort(spec: Pick<ReplicaSpec, "template">): number {
  return spec.template.ports[0]?.containerPort ?? DEFAULT_CONTAINER_PORT;
}

/** A container name for the replica: `tug-<replica id>-<suffix>`, with characters Docker rejects replaced. */
export function containerName(replicaId: string, suffix = randomBytes(3).toString("hex")): string {
  return `tug-${replicaId.replace(/[^a-zA-Z0-9_.-]/g, "-")}-${suffix}`;
}

/** Builds the create body for `spec`. Throws nothing: image presence is the driver's concern. */
export function containerSpec(spec: ReplicaSpec, o: ContainerSpecOptions = {}): ContainerSpec {
  const t = spec.template;
  const mainPort = mainContainerPort(spec);
  const containerPorts = t.ports.length ? t.ports.map((p) => p.containerPort) : [mainPort];
  const hostPorts = [spec.hostPort, ...(o.extraHostPorts ?? [])];
  const hostIp = o.hostIp ?? "127.0.0.1";
  const host = o.network === "host";

  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  const hostPortEnv: Record<string, string> = {};
  containerPorts.forEach((cp, i) => {
    const hp = hostPorts[i];
    if (host) {
      if (hp !== undefined && !hostPortEnv[`PORT_${cp}`]) hostPortEnv[`PORT_${cp}`] = String(hp);
      return;
    }
    const key = `${cp}/tcp`;
    exposed[key] = {};
    if (hp !== undefined && !bindings[key]) bindings[key] = [{ HostIp: hostIp, HostPort: String(hp) }];
  });
  const env = host
    ? { HOST: hostIp, ...spec.env, ...hostPortEnv, PORT: String(spec.hostPort), TUG_BIND_ADDRESS: hostIp }
    : { ...spec.env, PORT: String(mainPort) };

  // least privilege (docs/security.md): never privileged, no capability added, no privilege gained through setuid
  // binaries, a memory limit always, no mount, and the default bridge network unless the node chose the host's
  const hostConfig: NonNullable<ContainerCreateOptions["HostConfig"]> = {
    Init: true,
    RestartPolicy: { Name: "no" },
    Privileged: false,
    SecurityOpt: ["no-new-privileges:true"],
    Memory: Math.round(Math.max(t.resources.memoryBytes, MIN_MEMORY_LIMIT)),
    ReadonlyRootfs: t.readOnlyRootFilesystem === true,
    ...(host ? { NetworkMode: "host" } : { PortBindings: bindings }),
  };
  if (t.resources.cpuMillis > 0) hostConfig.NanoCpus = Math.round(t.resources.cpuMillis * 1e6);

  const body: ContainerCreateOptions = {
    Image: t.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...o.extraLabels,
      [LABELS.replica]: spec.id,
      [LABELS.deployment]: spec.deployment,
      [LABELS.revision]: String(spec.revision),
      [LABELS.node]: spec.node,
      [LABELS.managed]: "1",
      ...(t.disconnect?.stopAfterSeconds ? { [LABELS.stopAfterSeconds]: String(t.disconnect.stopAfterSeconds) } : {}),
    },
    HostConfig: hostConfig,
  };
  if (!host) body.ExposedPorts = exposed;
  if (t.command && t.command.length > 0) body.Cmd = t.command;
  return { name: containerName(spec.id, o.nameSuffix), body };
}

/** The parts of `docker inspect` that recovery reads. */
export interface InspectedContainer {
  Id: string;
  Config: { Labels?: Record<string, string> | null; Env?: string[] | null };
  State: { Running: boolean; StartedAt?: string };
  HostConfig: {
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  };
}

/** What `portBindingsOf` reads: a create body or an inspected container. */
interface BindingSource {
  Config?: { Env?: string[] | null };
  Env?: string[];
  HostConfig?: {
    NetworkMode?: string;
    PortBindings?: Record<string, Array<{ HostPort?: string }> | null> | null;
  };
}

/**
 * Container port → host port of every published port of a create body or an inspected container: the engine's
 * bindings on a bridge network, the `PORT_<containerPort>` variables on the host's.
 */
export function portBindingsOf(c: BindingSource): Record<number, number> {
  const out: Record<number, number> = {};
  if (c.HostConfig?.NetworkMode === "host") {
    for (const e of c.Env ?? c.Config?.Env ?? []) {
      const m = /^PORT_(\d+)=(\d+)$/.exec(e);
      if (m) out[Number(m[1])] = Number(m[2]);
    }
    return out;
  }
  for (const [key, b] of Object.entries(c.HostConfig?.PortBindings ?? {})) {
    const [cp, hp] = [Number.parseInt(key, 10), Number(b?.[0]?.HostPort)];
    if (Number.isInteger(cp) && Number.isInteger(hp) && hp > 0) out[cp] = hp;
  }
  return out;
}

/** What an existing container says about its replica, or undefined when it is not a usable Tugboat replica. */
export interface ContainerReplica {
  replicaId: string;
  deployment: string;
  revision: number;
  hostPort: number;
  /** Every published container port → its host port. */
  portBindings: Record<number, number>;
  startedAt: number;
  stopAfterSeconds?: number;
}

/** Reads replica id, deployment, revision, main host port and start time back from an inspected container. */
export function replicaOfContainer(c: InspectedContainer): ContainerReplica | undefined {
  const labels = c.Config.Labels ?? {};
  const replicaId = labels[LABELS.replica];
  if (!replicaId) return undefined;
  const portVar = (c.Config.Env ?? []).find((e) => e.startsWith("PORT="));
  const mainPort = portVar ? Number(portVar.slice(5)) : DEFAULT_CONTAINER_PORT;
  // on the host's network PORT is the main host port itself
  const hostPort =
    c.HostConfig.NetworkMode === "host"
      ? mainPort
      : Number(c.HostConfig.PortBindings?.[`${mainPort}/tcp`]?.[0]?.HostPort);
  if (!Number.isInteger(hostPort) || hostPort <= 0) return undefined;
  const started = Date.parse(c.State.StartedAt ?? "");
  return {
    replicaId,
    deployment: labels[LABELS.deployment] ?? "",
    revision: Number(labels[LABELS.revision]) || 0,
    hostPort,
    portBindings: portBindingsOf(c),
    startedAt: Number.isFinite(started) ? started : Date.now(),
    ...carriedGuard(Number(labels[LABELS.stopAfterSeconds])),
  };
}
