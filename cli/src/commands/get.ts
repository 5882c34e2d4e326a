/** `tug get deployments|replicas|nodes|services|endpoints [NAME]`: reads the registry HTTP API. */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import type { List, NodeView, ServiceView } from "../api-types.js";
import { labelArg } from "../args.js";
import { contextOf, type Ctx } from "../context.js";
import { age, cpu, heartbeatAge, memory, render, table } from "../format.js";

/** Resource names `get` accepts, with their aliases. */
const KINDS: Record<string, Kind> = {
  deployments: "deployments", deployment: "deployments", deploy: "deployments",
  replicas: "replicas", replica: "replicas",
  nodes: "nodes", node: "nodes",
  services: "services", service: "services", svc: "services",
  endpoints: "endpoints", endpoint: "endpoints", ep: "endpoints",
};
type Kind = "deployments" | "replicas" | "nodes" | "services" | "endpoints";

function kindOf(v: string): Kind {
  const k = KINDS[v];
  if (!k) throw new InvalidArgumentError(`unknown resource ${JSON.stringify(v)}; use deployments, replicas, nodes, services or endpoints`);
  return k;
}

/** One replica's endpoint text (`host:port`) or empty. */
export function endpointOf(r: ReplicaRecord): string {
  return r.hostPort ? `${r.host ?? ""}:${r.hostPort}` : "";
}

/**
 * Table of deployments: ready/desired and up-to-date counts computed from replicas, current (replicas to run) vs
 * desired, the autoscale bounds and the last scaling decision.
 */
export function deploymentsTable(deps: readonly DeploymentRecord[], replicas: readonly ReplicaRecord[], now = Date.now()): string {
  return table(["namespace", "name", "ready", "up-to-date", "current", "desired", "min", "max", "revision", "age", "last-scale"], deps.map((d) => {
    const mine = replicas.filter((r) => r.deployment === d.id && r.desired === "run");
    const ready = mine.filter((r) => r.ready).length;
    const upToDate = mine.filter((r) => r.revision === d.revision).length;
    const scale = d.lastScale ? `${d.lastScale.from}->${d.lastScale.to} ${age(d.lastScale.at, now)} ago: ${d.lastScale.reason}` : "";
    return [d.namespace, d.name, `${ready}/${d.replicas}`, upToDate, mine.length, d.replicas, d.autoscale?.min ?? "-", d.autoscale?.max ?? "-", d.revision, age(d.createdAt, now), scale];
  }));
}

/** Table of replicas. */
export function replicasTable(replicas: readonly ReplicaRecord[], now = Date.now()): string {
  return table(["name", "deployment", "rev", "node", "phase", "ready", "endpoint", "restarts", "age"], replicas.map((r) => [
    r.id, r.deployment, r.revision, r.node ?? "<none>", r.desired === "stop" ? `${r.phase} (retiring)` : r.phase, r.ready ? "true" : "false", endpointOf(r), r.restarts, age(r.createdAt, now),
  ]));
}

/** A node's status like kubectl: `Ready`, `NotReady`, plus `SchedulingDisabled` (cordoned) and `Draining`. */
export function nodeStatus(n: Pick<NodeView, "status" | "cordoned" | "draining">): string {
  return [n.status, n.cordoned ? "SchedulingDisabled" : "", n.draining ? "Draining" : ""].filter(Boolean).join(",");
}

/** Table of nodes: status, age of the last heartbeat, allocation against capacity. */
export function nodesTable(nodes: readonly NodeView[], now = Date.now()): string {
  return table(["name", "status", "heartbeat", "address", "cpu", "memory", "replicas", "driver", "age"], nodes.map((n) => [
    n.id, nodeStatus(n), `${heartbeatAge(n.lastHeartbeat, now)} ago`, n.address, `${cpu(n.allocated.cpuMillis)}/${cpu(n.capacity.cpuMillis)}`,
    `${memory(n.allocated.memoryBytes)}/${memory(n.capacity.memoryBytes)}`, n.replicas, n.driver, age(n.registeredAt, now),
  ]));
}

/** Published ports of a service as `18080->8080/tcp (least-conn)`, comma-separated, or `<none>`. */
export function publishedOf(s: ServiceView): string {
  const ports = (s.ports ?? []).filter((p) => p.published !== undefined);
  return ports.map((p) => `${p.published}->${p.containerPort}/tcp${p.balance === "least-conn" ? " (least-conn)" : ""}`).join(",") || "<none>";
}

/** Table of services (one row each: published ports and endpoint count). */
export function servicesTable(services: readonly ServiceView[]): string {
  return table(["namespace", "name", "published", "endpoints", "revision", "index"], services.map((s) => [s.namespace, s.name, publishedOf(s), s.endpoints.length, s.revision, s.index]));
}

/** Table of endpoints, kubectl style (addresses comma-separated). */
export function endpointsTable(services: readonly ServiceView[]): string {
  return table(["namespace", "name", "endpoints"], services.map((s) => [s.namespace, s.name, s.endpoints.map((e) => `${e.host}:${e.port}`).join(",") || "<none>"]));
}

async function services(ctx: Ctx, ns: string, name?: string): Promise<ServiceView[]> {
  if (name) return [await ctx.api.get<ServiceView>(`/v1/services/${ns}/${name}`)];
  return (await ctx.api.get<List<ServiceView>>("/v1/services")).items;
}

async function show(ctx: Ctx, kind: Kind, ns: string, name?: string): Promise<string> {
  switch (kind) {
    case "deployments": {
      const [deps, reps] = await Promise.all([ctx.api.get<List<DeploymentRecord>>("/v1/deployments"), ctx.api.get<List<ReplicaRecord>>("/v1/replicas")]);
      const items = deps.items.filter((d) => !name || (d.name === name && d.namespace === ns));
      return render(items, ctx.output, (d) => deploymentsTable(d, reps.items));
    }
    case "replicas": {
      const items = (await ctx.api.get<List<ReplicaRecord>>("/v1/replicas")).items.filter((r) => !name || r.id === name);
      return render(items, ctx.output, (r) => replicasTable(r));
    }
    case "nodes": {
      const items = (await ctx.api.get<List<NodeView>>("/v1/nodes")).items.filter((n) => !name || n.id === name);
      return render(items, ctx.output, (n) => nodesTable(n));
    }
    case "services":
      return render(await services(ctx, ns, name), ctx.output, servicesTable);
    case "endpoints":
      return render(await services(ctx, ns, name), ctx.output, endpointsTable);
  }
}

/** Registers `get`. */
export function getCommand(program: Command): void {
  program
    .command("get")
    .description("list deployments, replicas, nodes, services or endpoints")
    .argument("<resource>", "deployments | replicas | nodes | services | endpoints", kindOf)
    .argument("[name]", "one object by name")
    .option("-n, --namespace <ns>", "namespace (deployments, services, endpoints)", labelArg, "default")
    .action(async (kind: Kind, name: string | undefined, opts: { namespace: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (name !== undefined && (kind === "services" || kind === "endpoints")) labelArg(name);
      ctx.out(await show(ctx, kind, opts.namespace, name));
    });
}
