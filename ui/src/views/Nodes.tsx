/** Nodes as boxes holding their replicas (colour by state), with cordon, uncordon and drain. */
import type { NodeView, ReplicaRecord } from "@tug/contracts";
import type { Actions } from "../actions.js";
import { groupBy, toneOf } from "../derive.js";
import type { ClusterState } from "../state.js";

/** Replicas drawn per node at most; the rest are counted (keeps 1,000 replicas cheap to draw). */
export const CHIP_LIMIT = 150;

/** The last part of a replica id, enough to tell copies apart. */
function shortId(r: ReplicaRecord): string {
  const name = r.deployment.split("/")[1] ?? r.deployment;
  return r.id.startsWith(name) ? `${name}·${r.id.slice(name.length + 1).slice(-5)}` : r.id.slice(-12);
}

function Chip({ r, onPick }: { r: ReplicaRecord; onPick: (id: string) => void }) {
  return (
    <button
      class={`chip ${toneOf(r)}`}
      data-replica={r.id}
      data-deployment={r.deployment}
      data-node={r.node ?? ""}
      data-phase={r.phase}
      data-ready={String(r.ready)}
      data-revision={r.revision}
      data-restarts={r.restarts}
      title={`${r.id}\n${r.phase}${r.ready ? ", ready" : ""} · revision ${r.revision} · restarts ${r.restarts}`}
      onClick={() => onPick(r.id)}
    >
      <span class="chip-name">{shortId(r)}</span>
      <span class="chip-meta">
        {r.phase === "Running" ? "" : `${r.phase} `}r{r.revision}
        {r.restarts > 0 ? ` ↻${r.restarts}` : ""}
      </span>
    </button>
  );
}

function Chips({ list, onPick }: { list: ReplicaRecord[]; onPick: (id: string) => void }) {
  const shown = list.slice(0, CHIP_LIMIT);
  return (
    <div class="chips">
      {shown.map((r) => (
        <Chip key={r.id} r={r} onPick={onPick} />
      ))}
      {list.length > shown.length && <span class="more">+{list.length - shown.length} more</span>}
    </div>
  );
}

function NodeBox(props: { node: NodeView; replicas: ReplicaRecord[]; actions: Actions; onPick: (id: string) => void }) {
  const { node: n, replicas, actions } = props;
  const ready = replicas.filter((r) => r.ready).length;
  const state = n.status !== "Ready" ? "notready" : n.draining ? "draining" : n.cordoned ? "cordoned" : "ready";
  return (
    <section class={`node ${state}`} data-node-box={n.id} data-status={n.status}>
      <header>
        <strong>{n.id}</strong>
        <span class={`badge ${state}`}>{state === "ready" ? "Ready" : state === "notready" ? "NotReady" : state}</span>
        <span class="dim">
          {n.address} · {ready}/{replicas.length} ready · cpu {n.allocated.cpuMillis}/{n.capacity.cpuMillis}m
        </span>
        <span class="node-actions">
          {n.cordoned ? (
            <button onClick={() => void actions.node(n.id, "uncordon")}>Uncordon</button>
          ) : (
            <button onClick={() => void actions.node(n.id, "cordon")}>Cordon</button>
          )}
          <button onClick={() => void actions.node(n.id, "drain")} disabled={n.draining}>
            Drain
          </button>
        </span>
      </header>
      <Chips list={replicas} onPick={props.onPick} />
    </section>
  );
}

/** The nodes view; replicas not bound to a node yet are shown in a box of their own. */
export function NodesView(props: { state: ClusterState; actions: Actions; onPick: (id: string) => void }) {
  const byNode = groupBy(props.state.replicas.values(), (r) => r.node);
  for (const list of byNode.values())
    list.sort((a, b) => a.deployment.localeCompare(b.deployment) || a.id.localeCompare(b.id));
  const nodes = [...props.state.nodes.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  const unbound = byNode.get("") ?? [];
  return (
    <div class="nodes">
      {nodes.length === 0 && <p class="dim">No nodes have registered yet.</p>}
      {nodes.map((n) => (
        <NodeBox key={n.id} node={n} replicas={byNode.get(n.id) ?? []} actions={props.actions} onPick={props.onPick} />
      ))}
      {unbound.length > 0 && (
        <section class="node pending" data-node-box="">
          <header>
            <strong>not scheduled</strong>
            <span class="dim">{unbound.length} waiting for a node</span>
          </header>
          <Chips list={unbound} onPick={props.onPick} />
        </section>
      )}
    </div>
  );
}
