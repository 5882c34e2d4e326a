/**
 * The example app in the demos: examples/web.yaml under another name, with the demo's replica count, published port
 * and changes; applied and deleted through the NATS intake, observed through the HTTP API.
 */
import { fileURLToPath } from "node:url";
import { type DeploymentRecord, type OkReply, type ReplicaRecord, TugError } from "@tug/contracts";
import type { DeploymentDetail, List, ServiceView } from "../api-types.js";
import { freePort, readManifestFile } from "@tug/cluster";
import type { Narrator } from "./narrator.js";
import type { Stage } from "./stage.js";
import { waitFor } from "./wait.js";

/** examples/web.yaml, from cli/{src,dist}/demo/. */
const EXAMPLE = fileURLToPath(new URL("../../../examples/web.yaml", import.meta.url));

/** A manifest as the intake takes it. */
export type Manifest = Record<string, unknown> & { name: string; namespace: string; replicas: number };

/** What a demo changes in the example. */
export interface AppShape {
  replicas: number;
  /** The proxy's published port. */
  port: number;
  /** Merged over the example's env. */
  env?: Record<string, string>;
  image?: string;
  /** Merged over the example's strategy. */
  strategy?: Record<string, unknown>;
  autoscale?: Record<string, unknown>;
}

/** examples/web.yaml as deployment `name` (namespace default) in the given shape. */
export function exampleApp(name: string, shape: AppShape): Manifest {
  const [doc] = readManifestFile(EXAMPLE) as Array<Record<string, unknown>>;
  if (!doc) throw new TugError("VALIDATION_FAILED", `${EXAMPLE} holds no manifest`, "example");
  const ports = (doc.ports as Array<Record<string, unknown>>).map((p, i) =>
    i === 0 ? { ...p, published: shape.port } : p,
  );
  return {
    ...doc,
    name,
    namespace: "default",
    replicas: shape.replicas,
    ports,
    env: { ...(doc.env as object), ...shape.env },
    ...(shape.image ? { image: shape.image } : {}),
    strategy: { ...(doc.strategy as object), ...shape.strategy },
    ...(shape.autoscale ? { autoscale: shape.autoscale } : {}),
  };
}

/** Applies `m` and returns the revision the controller accepted. */
export async function apply(stage: Stage, m: Manifest): Promise<number> {
  return (await stage.intake.request<OkReply>("apply", m)).revision;
}

/** Sets the replica count of `name`. */
export async function scale(stage: Stage, name: string, replicas: number): Promise<void> {
  await stage.intake.request<OkReply>("scale", { namespace: "default", name, replicas });
}

/** `default/<name>`: a deployment's id. */
export function idOf(name: string): string {
  return `default/${name}`;
}

/** Every replica record of deployment `name`. */
export async function replicasOf(stage: Stage, name: string): Promise<ReplicaRecord[]> {
  const id = idOf(name);
  return (await stage.api.get<List<ReplicaRecord>>("/v1/replicas")).items.filter((r) => r.deployment === id);
}

/** Replicas of `name` that should run and are ready. */
export async function readyOf(stage: Stage, name: string): Promise<ReplicaRecord[]> {
  return (await replicasOf(stage, name)).filter((r) => r.desired === "run" && r.ready);
}

/** The deployment record of `name`. */
export async function deploymentOf(stage: Stage, name: string): Promise<DeploymentRecord> {
  return (await detailOf(stage, name)).deployment;
}

/** The API's detail of deployment `name` (record, revisions, replicas). */
export function detailOf(stage: Stage, name: string): Promise<DeploymentDetail> {
  return stage.api.get<DeploymentDetail>(`/v1/deployments/default/${name}`);
}

/** The registry's endpoints of service `name`. */
export function serviceOf(stage: Stage, name: string): Promise<ServiceView> {
  return stage.api.get<ServiceView>(`/v1/services/default/${name}`);
}

/** Waits until `count` replicas of `name` are ready (and no more should run); returns them and when that was seen. */
export async function waitReady(
  n: Narrator,
  stage: Stage,
  name: string,
  count: number,
  timeoutMs = 60_000,
): Promise<{ replicas: ReplicaRecord[]; at: number }> {
  return waitFor(n, `${count} ready replicas of ${name}`, timeoutMs, async () => {
    const all = (await replicasOf(stage, name)).filter((r) => r.desired === "run");
    const ready = all.filter((r) => r.ready);
    return ready.length === count && all.length === count ? { replicas: ready, at: Date.now() } : undefined;
  });
}

/** Deletes deployment `name` and waits (bounded) until its replicas are gone; says so. */
export async function remove(n: Narrator, stage: Stage, name: string): Promise<void> {
  try {
    await stage.intake.request<OkReply>("delete", { namespace: "default", name });
  } catch (err) {
    if (err instanceof TugError && err.code === "NOT_FOUND") return;
    throw err;
  }
  const t0 = Date.now();
  await waitFor(n, `the replicas of ${name} to stop`, 60_000, async () =>
    (await replicasOf(stage, name)).length === 0 ? true : undefined,
  );
  n.say(`cleaned up: deleted ${name}; its replicas stopped within ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Runs a demo's `body` with a free port for the app to publish, then deletes deployment `name` whatever happened
 * (also after a failure or Ctrl-C).
 */
export async function withApp(
  n: Narrator,
  stage: Stage,
  name: string,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  try {
    await body(port);
  } finally {
    await remove(n, stage, name);
  }
}
