/**
 * `tug get deployments|replicas|nodes|services|endpoints [NAME] [-n NS]`: reads the registry HTTP API. Lists cover
 * every namespace unless `-n` names one; one object by NAME (namespace `-n`, default `default`) is NOT_FOUND (exit 1)
 * when missing, and in json/yaml it is the object itself; a deployment's is the manifest `tug apply -f -` takes back.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { type DeploymentRecord, type ReplicaRecord, TugError } from "@tug/contracts";
import type { List, NodeView, ServiceView } from "../api-types.js";
import { labelArg } from "../args.js";
import { contextOf, type Ctx } from "../context.js";
import { age, cpu, heartbeatAge, memory, render, table } from "../format.js";
import { manifestOf } from "../manifest-of.js";

/** Resource names `get` accepts, with their aliases. */
const KINDS: Record<string, Kind> = {
  deployments: "deployments",
  deployment: "deployments",
  deploy: "deployments",
  replicas: "replicas",
  replica: "replicas",
  nodes: "nodes",
  node: "nodes",
  services: "services",
  service: "services",
  svc: "services",
  endpoints: "endpoints",
  endpoint: "endpoints",
  ep: "endpoints",
};
type Kind = "deployments" | "replicas" | "nodes" | "services" | "endpoints";

function kindOf(v: string): Kind {
  const k = KINDS[v];
  const use = "use deployments, replicas, nodes, services or endpoints";
  if (!k) throw new InvalidArgumentError(`unknown resource ${JSON.stringify(v)}; ${use}`);
  return k;
}

/** One replica's endpoint text (`host:port`) or empty. */
export function endpointOf(r: ReplicaRecord): string {
  return r.hostPort ? `${r.host ?? ""}:${r.hostPort}` : "";
}

/** The phase (`(retiring)` while it is told to stop), ready, endpoint and restarts cells of a replica's table row. */
export function replicaStateCells(r: ReplicaRecord): Array<string | number> {
  return [
    r.desired === "stop" ? `${r.phase} (retiring)` : r.phase,
    r.ready ? "true" : "false",
    endpointOf(r),
    r.restarts,
  ];
}

/**
 * Table of deployments: ready/desired and up-to-date counts computed from replicas, current (replicas to run) vs
 * desired, the autoscale bounds and the last scaling decision; `wide` adds the image, command and node selector.
 */
export function deploymentsTable(
  deps: readonly DeploymentRecord[],
  replicas: readonly ReplicaRecord[],
  now = Date.now(),
  wide = false,
): string {
  const headers = [
    "namespace",
    "name",
    "ready",
    "up-to-date",
    "current",
    "desired",
    "min",
    "max",
    "revision",
    "age",
    "last-scale",
  ];
  return table(
    [...headers, ...(wide ? ["image", "command", "selector"] : [])],
    deps.map((d) => {
      const mine = replicas.filter((r) => r.deployment === d.id && r.desired === "run");
      const ready = mine.filter((r) => r.ready).length;
      const upToDate = mine.filter((r) => r.revision === d.revision).length;
      const last = d.lastScale;
      const scale = last ? `${last.from}->${last.to} ${age(last.at, now)} ago: ${last.reason}` : "";
      const t = d.template;
      const more = wide ? [t.image ?? "<none>", t.command?.join(" ") ?? "<none>", pairs(t.nodeSelector)] : [];
      return [
        d.namespace,
        d.name,
        `${ready}/${d.replicas}`,
        upToDate,
        mine.length,
        d.replicas,
        d.autoscale?.min ?? "-",
        d.autoscale?.max ?? "-",
        d.revision,
        age(d.createdAt, now),
        scale,
        ...more,
      ];
    }),
  );
}

/** Table of replicas; `wide` adds the last exit and the latest message (why it is pending, crashing, …). */
export function replicasTable(replicas: readonly ReplicaRecord[], now = Date.now(), wide = false): string {
  const headers = ["name", "deployment", "rev", "node", "phase", "ready", "endpoint", "restarts", "age"];
  return table(
    [...headers, ...(wide ? ["last-exit", "message"] : [])],
    replicas.map((r) => [
      r.id,
      r.deployment,
      r.revision,
      r.node ?? "<none>",
      ...replicaStateCells(r),
      age(r.createdAt, now),
      ...(wide
        ? [r.lastExit ? `${r.lastExit.reason} (${r.lastExit.code ?? "signal"})` : "<none>", r.message ?? ""]
        : []),
    ]),
  );
}

/** `k=v,k2=v2` or `<none>`. */
function pairs(o: Record<string, string>): string {
  return (
    Object.entries(o)
      .map(([k, v]) => `${k}=${v}`)
      .join(",") || "<none>"
  );
}

/** A node's status like kubectl: `Ready`, `NotReady`, plus `SchedulingDisabled` (cordoned) and `Draining`. */
export function nodeStatus(n: Pick<NodeView, "status" | "cordoned" | "draining">): string {
  return [n.status, n.cordoned ? "SchedulingDisabled" : "", n.draining ? "Draining" : ""].filter(Boolean).join(",");
}

/** Table of nodes: status, age of the last heartbeat, allocation against capacity; `wide` adds the labels. */
export function nodesTable(nodes: readonly NodeView[], now = Date.now(), wide = false): string {
  const headers = ["name", "status", "heartbeat", "address", "cpu", "memory", "replicas", "driver", "age"];
  return table(
    [...headers, ...(wide ? ["labels"] : [])],
    nodes.map((n) => [
      n.id,
      nodeStatus(n),
      `${heartbeatAge(n.lastHeartbeat, now)} ago`,
      n.address,
      `${cpu(n.allocated.cpuMillis)}/${cpu(n.capacity.cpuMillis)}`,
      `${memory(n.allocated.memoryBytes)}/${memory(n.capacity.memoryBytes)}`,
      n.replicas,
      n.driver,
      age(n.registeredAt, now),
      ...(wide ? [pairs(n.labels ?? {})] : []),
    ]),
  );
}

/** Published ports of a service as `18080->8080/tcp (least-conn)`, comma-separated, or `<none>`. */
export function publishedOf(s: ServiceView): string {
  const ports = (s.ports ?? []).filter((p) => p.published !== undefined);
  const balance = (p: (typeof ports)[number]) => (p.balance === "least-conn" ? " (least-conn)" : "");
  const one = (p: (typeof ports)[number]) => `${p.published}->${p.containerPort}/tcp${balance(p)}`;
  return ports.map(one).join(",") || "<none>";
}

/** Table of services (one row each: published ports and endpoint count). */
export function servicesTable(services: readonly ServiceView[]): string {
  return table(
    ["namespace", "name", "published", "endpoints", "revision", "index"],
    services.map((s) => [s.namespace, s.name, publishedOf(s), s.endpoints.length, s.revision, s.index]),
  );
}

/** Table of endpoints, kubectl style (addresses comma-separated). */
export function endpointsTable(services: readonly ServiceView[]): string {
  const addresses = (s: ServiceView) => s.endpoints.map((e) => `${e.host}:${e.port}`).join(",") || "<none>";
  return table(
    ["namespace", "name", "endpoints"],
    services.map((s) => [s.namespace, s.name, addresses(s)]),
  );
}

/** Which objects a `get` asks for: a namespace (undefined: every one, for lists) and an optional name. */
interface Scope {
  ns?: string;
  name?: string;
}

/** The one object `name` asked for, or NOT_FOUND naming it (kubectl exits 1 the same way). */
function one<T>(items: readonly T[], what: string): T {
  if (items.length === 0) throw new TugError("NOT_FOUND", `${what} not found`, "name");
  return items[0]!;
}

async function services(ctx: Ctx, { ns, name }: Scope): Promise<ServiceView[]> {
  if (name) return [await ctx.api.get<ServiceView>(`/v1/services/${ns ?? "default"}/${name}`)];
  const all = (await ctx.api.get<List<ServiceView>>("/v1/services")).items;
  return all.filter((s) => ns === undefined || s.namespace === ns);
}

/** Renders a list, or (with a name) its one object: as itself in json/yaml, `asObject` of it when given. */
function list<T>(
  ctx: Ctx,
  items: T[],
  s: Scope,
  what: string,
  tables: (xs: T[], wide: boolean) => string,
  asObject?: (x: T) => unknown,
): string {
  if (!s.name)
    return render(
      items,
      ctx.output,
      (xs) => tables(xs, false),
      (xs) => tables(xs, true),
    );
  const named = what === "node" || what === "replica" ? s.name : `${s.ns ?? "default"}/${s.name}`;
  const x = one(items, `${what} ${JSON.stringify(named)}`);
  return render(
    asObject ? asObject(x) : x,
    ctx.output,
    () => tables([x], false),
    () => tables([x], true),
  );
}

async function show(ctx: Ctx, kind: Kind, s: Scope): Promise<string> {
  const inNs = (ns: string) => (s.name ? ns === (s.ns ?? "default") : s.ns === undefined || ns === s.ns);
  switch (kind) {
    case "deployments": {
      const [deps, reps] = await Promise.all([
        ctx.api.get<List<DeploymentRecord>>("/v1/deployments"),
        ctx.api.get<List<ReplicaRecord>>("/v1/replicas"),
      ]);
      const items = deps.items.filter((d) => inNs(d.namespace) && (!s.name || d.name === s.name));
      const tables = (d: DeploymentRecord[], wide: boolean) => deploymentsTable(d, reps.items, Date.now(), wide);
      return list(ctx, items, s, "deployment", tables, (d) => manifestOf(d, reps.items));
    }
    case "replicas": {
      const all = (await ctx.api.get<List<ReplicaRecord>>("/v1/replicas")).items;
      const items = all.filter((r) => (s.name ? r.id === s.name : inNs(r.deployment.split("/")[0]!)));
      return list(ctx, items, s, "replica", (r, wide) => replicasTable(r, Date.now(), wide));
    }
    case "nodes": {
      const items = (await ctx.api.get<List<NodeView>>("/v1/nodes")).items.filter((n) => !s.name || n.id === s.name);
      return list(ctx, items, s, "node", (n, wide) => nodesTable(n, Date.now(), wide));
    }
    case "services":
      return list(ctx, await services(ctx, s), s, "service", (x) => servicesTable(x));
    case "endpoints":
      return list(ctx, await services(ctx, s), s, "endpoints", (x) => endpointsTable(x));
  }
}

/** Registers `get`. */
export function getCommand(program: Command): void {
  program
    .command("get")
    .description("list deployments, replicas, nodes, services or endpoints, or show one by name")
    .argument("<resource>", "deployments | replicas | nodes | services | endpoints", kindOf)
    .argument("[name]", "one object by name (exit 1 NOT_FOUND when there is none)")
    .option("-n, --namespace <ns>", "only this namespace (lists: default all; one object: default)", labelArg)
    .action(async (kind: Kind, name: string | undefined, opts: { namespace?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (name !== undefined && (kind === "services" || kind === "endpoints")) labelArg(name);
      ctx.out(await show(ctx, kind, { ns: opts.namespace, name }));
    });
}
