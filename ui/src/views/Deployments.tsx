/** Deployments: desired/ready/updated counts, rollout progress, revision history; scale and roll back. */
import type { DeploymentDetail, DeploymentRecord, ReplicaRecord } from "@tug/contracts";
import { useEffect, useState } from "preact/hooks";
import type { Actions } from "../actions.js";
import { groupBy, rolloutOf } from "../derive.js";
import type { ClusterState } from "../state.js";

/** Deployments listed at most (the rest are counted). */
const ROW_LIMIT = 200;

/** The revision history, fetched when the row opens and again when the deployment's generation moves. */
function History({ d }: { d: DeploymentRecord }) {
  const [detail, setDetail] = useState<DeploymentDetail | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    fetch(`/v1/deployments/${d.namespace}/${d.name}`, { signal: ctl.signal })
      .then((r) => (r.ok ? (r.json() as Promise<DeploymentDetail>) : undefined))
      .then(setDetail, () => {});
    return () => ctl.abort();
  }, [d.id, d.gen]);
  if (!detail) return <p class="dim">loading history…</p>;
  return (
    <ol class="history" data-history={d.id}>
      {detail.revisions.map((r) => (
        <li key={r.revision} class={r.current ? "current" : ""}>
          revision {r.revision}
          {r.current ? " (current)" : ""} · {r.image ?? r.command?.join(" ") ?? ""}
          {d.lastGoodRevision === r.revision ? " · last good" : ""}
        </li>
      ))}
    </ol>
  );
}

function Row(props: { d: DeploymentRecord; replicas: ReplicaRecord[]; actions: Actions }) {
  const { d, actions } = props;
  const f = rolloutOf(d, props.replicas);
  const [want, setWant] = useState(String(d.replicas));
  const [open, setOpen] = useState(false);
  useEffect(() => setWant(String(d.replicas)), [d.replicas]);
  const state = f.complete ? "complete" : d.paused ? "paused" : "progressing";
  return (
    <>
      <tr
        data-deployment-row={d.id}
        data-desired={f.desired}
        data-ready={f.ready}
        data-updated={f.updated}
        data-revision={d.revision}
        data-rollout={state}
      >
        <td>
          <button class="link" onClick={() => setOpen(!open)}>
            {open ? "▾" : "▸"} {d.id}
          </button>
        </td>
        <td class="num">{f.desired}</td>
        <td class="num">{f.ready}</td>
        <td class="num">{f.updated}</td>
        <td class="num">{d.revision}</td>
        <td>
          <div class="bar" title={`${f.updatedReady} of ${f.desired} on revision ${d.revision} and ready`}>
            <div class={`fill ${state}`} style={{ width: `${Math.round(f.progress * 100)}%` }} />
          </div>
          <span class="dim">
            {state === "complete"
              ? "complete"
              : `${f.updatedReady}/${f.desired} updated & ready${d.paused ? ", paused" : ""}`}
          </span>
          {d.condition && (
            <div class="dim">
              {d.condition.reason}: {d.condition.message}
            </div>
          )}
        </td>
        <td class="row-actions">
          <input
            type="number"
            min={0}
            max={10000}
            value={want}
            aria-label={`replicas of ${d.id}`}
            onInput={(e) => setWant((e.target as HTMLInputElement).value)}
          />
          <button onClick={() => void actions.scale(d.id, Number(want))}>Scale</button>
          <button onClick={() => void actions.rollback(d.id)} disabled={d.revision <= 1}>
            Roll back
          </button>
        </td>
      </tr>
      {open && (
        <tr class="detail">
          <td colSpan={7}>
            <History d={d} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The deployments view. */
export function DeploymentsView({ state, actions }: { state: ClusterState; actions: Actions }) {
  const byDep = groupBy(state.replicas.values(), (r) => r.deployment);
  const all = [...state.deployments.values()].sort((a, b) => a.id.localeCompare(b.id));
  const shown = all.slice(0, ROW_LIMIT);
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>deployment</th>
          <th>desired</th>
          <th>ready</th>
          <th>updated</th>
          <th>rev</th>
          <th>rollout</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {shown.map((d) => (
          <Row key={d.id} d={d} replicas={byDep.get(d.id) ?? []} actions={actions} />
        ))}
        {all.length > shown.length && (
          <tr>
            <td colSpan={7} class="dim">
              +{all.length - shown.length} more deployments
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
