/**
 * Kubernetes manifests at the intake: an `apps/v1` Deployment in its common shape (metadata, spec, one container in
 * spec.template.spec.containers) is translated into Tugboat's flat manifest; any other Kubernetes object, or a field
 * Tugboat has no equivalent of, is refused with a plain VALIDATION_FAILED that says so and names the field. Fields that
 * only matter to Kubernetes itself (selector, annotations, imagePullPolicy, status, …) are dropped.
 */
import { TugError } from "./errors.js";

type Obj = Record<string, unknown>;

/** Tugboat's own shape, for messages that refuse a Kubernetes object. */
export const TUGBOAT_SHAPE =
  "kind: Deployment, name, namespace, replicas, image or command, env, ports, resources, probes, strategy";

/** Fields Kubernetes needs and Tugboat does not; dropped without a word. */
const IGNORED = new Set([
  "status",
  "metadata.annotations",
  "metadata.uid",
  "metadata.resourceVersion",
  "metadata.generation",
  "metadata.creationTimestamp",
  "metadata.managedFields",
  "spec.selector",
  "spec.template.metadata",
  "container.name",
  "container.imagePullPolicy",
  "container.terminationMessagePath",
  "container.terminationMessagePolicy",
  "spec.template.spec.dnsPolicy",
  "spec.template.spec.schedulerName",
  "spec.template.spec.securityContext",
]);

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** True when `input` looks like a Kubernetes object (apiVersion plus metadata or spec), not a Tugboat manifest. */
export function isKubernetesObject(input: unknown): input is Obj {
  return isObj(input) && typeof input.apiVersion === "string" && (isObj(input.metadata) || isObj(input.spec));
}

/**
 * Returns `input` unchanged unless it is a Kubernetes object: an `apps/v1` Deployment becomes a Tugboat manifest,
 * anything else throws VALIDATION_FAILED naming the field that cannot be carried over.
 */
export function fromKubernetes(input: unknown): unknown {
  if (!isKubernetesObject(input)) return input;
  if (input.apiVersion !== "apps/v1" || input.kind !== "Deployment") {
    const what = `this is a Kubernetes ${String(input.kind)} (apiVersion ${input.apiVersion})`;
    const reads = `Tugboat reads only an apps/v1 Deployment, or its own flat manifest (${TUGBOAT_SHAPE})`;
    throw refuse("kind", `${what}; ${reads}`);
  }
  const meta = obj(input.metadata, "metadata");
  const spec = obj(input.spec, "spec");
  const pod = obj(obj(spec.template, "spec.template").spec, "spec.template.spec");
  const containers = pod.containers;
  if (!Array.isArray(containers) || containers.length !== 1) {
    throw refuse("spec.template.spec.containers", "Tugboat runs exactly one container per replica: give one entry");
  }
  const c = obj(containers[0], "spec.template.spec.containers[0]");
  only(input, "", ["apiVersion", "kind", "metadata", "spec"]);
  only(meta, "metadata", ["name", "namespace", "labels"]);
  only(spec, "spec", [
    "replicas",
    "template",
    "strategy",
    "minReadySeconds",
    "progressDeadlineSeconds",
    "revisionHistoryLimit",
  ]);
  only(pod, "spec.template.spec", ["containers", "nodeSelector", "restartPolicy", "terminationGracePeriodSeconds"]);
  const containerFields = [
    "image",
    "command",
    "args",
    "env",
    "ports",
    "resources",
    "readinessProbe",
    "livenessProbe",
    "startupProbe",
    "securityContext",
  ];
  only(c, "container", containerFields, "spec.template.spec.containers[0]");
  const rolling = isObj(spec.strategy) && isObj(spec.strategy.rollingUpdate) ? spec.strategy.rollingUpdate : {};
  const strategy = defined({
    type: isObj(spec.strategy) ? spec.strategy.type : undefined,
    maxSurge: rolling.maxSurge,
    maxUnavailable: rolling.maxUnavailable,
    minReadySeconds: spec.minReadySeconds,
    progressDeadlineSeconds: spec.progressDeadlineSeconds,
  });
  const command = [...list(c.command), ...list(c.args)];
  return defined({
    kind: "Deployment",
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    replicas: spec.replicas,
    revisionHistoryLimit: spec.revisionHistoryLimit,
    strategy: Object.keys(strategy).length ? strategy : undefined,
    image: c.image,
    command: command.length ? command : undefined,
    env: env(c.env),
    ports: ports(c.ports),
    resources: isObj(c.resources) ? c.resources.requests : undefined,
    readinessProbe: probe(c.readinessProbe),
    livenessProbe: probe(c.livenessProbe),
    startupProbe: probe(c.startupProbe),
    securityContext: securityContext(c.securityContext),
    nodeSelector: pod.nodeSelector,
    restartPolicy: pod.restartPolicy,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
  });
}

function refuse(field: string, message: string): TugError {
  return new TugError("VALIDATION_FAILED", `Kubernetes manifest: ${message}`, field);
}

function obj(v: unknown, field: string): Obj {
  if (!isObj(v)) throw refuse(field, `${field} must be a mapping`);
  return v;
}

/** Refuses any key of `o` outside `allowed` that is not in IGNORED (keys there are looked up as `<scope>.<key>`). */
function only(o: Obj, scope: string, allowed: string[], path = scope): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k) || IGNORED.has(scope ? `${scope}.${k}` : k)) continue;
    const field = path ? `${path}.${k}` : k;
    throw refuse(field, `Tugboat has no equivalent of ${field} (it reads ${allowed.join(", ")} there)`);
  }
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function env(v: unknown): Obj | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw refuse("spec.template.spec.containers[0].env", "env must be a list of { name, value }");
  return Object.fromEntries(
    v.map((e: unknown, i) => {
      const field = `spec.template.spec.containers[0].env[${i}]`;
      if (!isObj(e) || typeof e.name !== "string") throw refuse(field, "each env entry needs a name");
      if (e.valueFrom !== undefined) {
        const why = "valueFrom (secrets, config maps, fields) has no Tugboat equivalent; give a value";
        throw refuse(`${field}.valueFrom`, why);
      }
      // Tugboat's extension `{ name, value, secret: true }`: handed to the manifest schema as it is, so it is checked
      // (and refused) exactly as in Tugboat's own format
      if (e.secret !== undefined) return [e.name, { value: e.value, secret: e.secret }];
      return [e.name, e.value === undefined ? "" : String(e.value)];
    }),
  );
}

function ports(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((p: unknown, i) => {
    if (!isObj(p)) return p;
    if (p.protocol !== undefined && String(p.protocol).toUpperCase() !== "TCP") {
      throw refuse(`spec.template.spec.containers[0].ports[${i}].protocol`, "Tugboat serves TCP ports only");
    }
    return defined({ name: p.name, containerPort: p.containerPort, published: p.hostPort });
  });
}

/** A container's securityContext: readOnlyRootFilesystem carries over; what would grant more than Tugboat gives is refused. */
function securityContext(v: unknown): unknown {
  if (!isObj(v)) return v;
  const path = "spec.template.spec.containers[0].securityContext";
  only(v, "container.securityContext", ["readOnlyRootFilesystem", "allowPrivilegeEscalation", "privileged"], path);
  if (v.privileged === true) throw refuse(`${path}.privileged`, "privileged containers are not allowed");
  if (v.allowPrivilegeEscalation === true) {
    throw refuse(`${path}.allowPrivilegeEscalation`, "Tugboat always runs containers with no-new-privileges");
  }
  return defined({ readOnlyRootFilesystem: v.readOnlyRootFilesystem });
}

function probe(v: unknown): unknown {
  if (!isObj(v)) return v;
  const { httpGet, tcpSocket, exec, ...rest } = v;
  const check = isObj(httpGet)
    ? { http: defined({ path: httpGet.path, port: httpGet.port }) }
    : isObj(tcpSocket)
      ? { tcp: { port: tcpSocket.port } }
      : isObj(exec)
        ? { exec: { command: exec.command } }
        : {};
  return { ...check, ...rest };
}
