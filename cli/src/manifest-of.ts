/**
 * One deployment as `tug get deployment NAME -o yaml|json` prints it: the manifest that `tug apply -f -` takes back
 * (kind, name, namespace, replicas, the current template, strategy, autoscale, labels), followed by a read-only
 * `status` block (generation for `--expect-generation`, revision, ready counts) that `apply` ignores, as kubectl does.
 * A secret env value is printed as its sealed token (`{ secret: true, sealed }`), never as plaintext.
 */
import { type DeploymentRecord, manifestEnvOf, type ReplicaRecord } from "@tug/contracts";

/** The read-only part of one deployment's output; `tug apply` drops it. */
export interface DeploymentStatus {
  gen: number;
  revision: number;
  paused: boolean;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  condition?: DeploymentRecord["condition"];
}

/** The applyable manifest of `d`, with its status computed from `replicas` (all replicas, any deployment). */
export function manifestOf(d: DeploymentRecord, replicas: readonly ReplicaRecord[]): Record<string, unknown> {
  const { resources, secretEnv: _sealed, ...template } = d.template;
  const mine = replicas.filter((r) => r.deployment === d.id && r.desired === "run");
  const status: DeploymentStatus = {
    gen: d.gen,
    revision: d.revision,
    paused: d.paused,
    replicas: mine.length,
    readyReplicas: mine.filter((r) => r.ready).length,
    updatedReplicas: mine.filter((r) => r.revision === d.revision).length,
    ...(d.condition ? { condition: d.condition } : {}),
  };
  return {
    kind: "Deployment",
    name: d.name,
    namespace: d.namespace,
    replicas: d.replicas,
    ...template,
    env: manifestEnvOf(d.template),
    resources: { cpu: `${resources.cpuMillis}m`, memory: resources.memoryBytes },
    strategy: d.strategy,
    revisionHistoryLimit: d.revisionHistoryLimit,
    ...(d.autoscale ? { autoscale: d.autoscale } : {}),
    ...(Object.keys(d.labels).length ? { labels: d.labels } : {}),
    status,
  };
}
