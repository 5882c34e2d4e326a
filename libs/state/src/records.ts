/** Conversions between Redis hashes and the contracts' records. */
import type { DeploymentRecord, NodeRecord, ReplicaRecord } from "@tug/contracts";

const num = (v: string | undefined, d = 0) => (v === undefined || v === "" ? d : Number(v));
const json = <T>(v: string | undefined): T | undefined => (v ? (JSON.parse(v) as T) : undefined);

/** Hash → DeploymentRecord (undefined when the hash is empty). */
export function toDeployment(h: Record<string, string>): DeploymentRecord | undefined {
  if (!h.id) return undefined;
  const d: DeploymentRecord = {
    id: h.id,
    namespace: h.namespace!,
    name: h.name!,
    replicas: num(h.replicas),
    revision: num(h.revision),
    template: JSON.parse(h.template!),
    strategy: JSON.parse(h.strategy!),
    revisionHistoryLimit: num(h.revisionHistoryLimit, 10),
    labels: json(h.labels) ?? {},
    paused: h.paused === "1",
    gen: num(h.gen),
    createdAt: num(h.createdAt),
    updatedAt: num(h.updatedAt),
  };
  const autoscale = json<DeploymentRecord["autoscale"]>(h.autoscale);
  if (autoscale) d.autoscale = autoscale;
  if (h.lastGoodRevision) d.lastGoodRevision = num(h.lastGoodRevision);
  if (h.revisionAt) d.revisionAt = num(h.revisionAt);
  const condition = json<DeploymentRecord["condition"]>(h.condition);
  if (condition) d.condition = condition;
  const lastScale = json<DeploymentRecord["lastScale"]>(h.lastScale);
  if (lastScale) d.lastScale = lastScale;
  return d;
}

/** Hash → ReplicaRecord. */
export function toReplica(h: Record<string, string>): ReplicaRecord | undefined {
  if (!h.id) return undefined;
  const r: ReplicaRecord = {
    id: h.id,
    deployment: h.deployment!,
    revision: num(h.revision),
    node: h.node ? h.node : null,
    desired: h.desired === "stop" ? "stop" : "run",
    phase: (h.phase ?? "Pending") as ReplicaRecord["phase"],
    ready: h.ready === "1",
    restarts: num(h.restarts),
    resources: { cpuMillis: num(h.cpu), memoryBytes: num(h.mem) },
    nodeSelector: json(h.nodeSelector) ?? {},
    gen: num(h.gen),
    createdAt: num(h.createdAt),
    updatedAt: num(h.updatedAt),
  };
  if (h.host) r.host = h.host;
  if (h.hostPort) r.hostPort = num(h.hostPort);
  const lastExit = json<ReplicaRecord["lastExit"]>(h.lastExit);
  if (lastExit) r.lastExit = lastExit;
  if (h.reason) r.reason = h.reason;
  if (h.message) r.message = h.message;
  if (h.readySince) r.readySince = num(h.readySince);
  return r;
}

/** Hash → NodeRecord. */
export function toNode(h: Record<string, string>): NodeRecord | undefined {
  if (!h.id) return undefined;
  const n: NodeRecord = {
    id: h.id,
    address: h.address!,
    capacity: { cpuMillis: num(h.cpu), memoryBytes: num(h.mem) },
    labels: json(h.labels) ?? {},
    driver: h.driver ?? "",
    status: h.status === "Ready" ? "Ready" : "NotReady",
    cordoned: h.cordoned === "1",
    draining: h.draining === "1",
    instance: h.instance ?? "",
    lastHeartbeat: num(h.lastHeartbeat),
    registeredAt: num(h.registeredAt),
    gen: num(h.gen),
  };
  if (h.notReadySince) n.notReadySince = num(h.notReadySince);
  if (num(h.stretchedMs) > 0) n.stretchedBeatMs = num(h.stretchedMs);
  return n;
}
