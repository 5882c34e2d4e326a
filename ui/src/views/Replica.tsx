/** The picked replica's details, with a restart (it is replaced by a new copy, like deleting a pod). */
import type { ReplicaRecord } from "@tug/contracts";
import type { Actions } from "../actions.js";

/** The detail panel of one replica. */
export function ReplicaPanel(props: { r: ReplicaRecord; actions: Actions; onClose: () => void }) {
  const { r } = props;
  const rows: Array<[string, string]> = [
    ["deployment", r.deployment],
    ["node", r.node ?? "(not scheduled)"],
    ["phase", `${r.phase}${r.ready ? ", ready" : ""}${r.desired === "stop" ? ", stopping" : ""}`],
    ["revision", String(r.revision)],
    ["restarts", String(r.restarts)],
    ["endpoint", r.host && r.hostPort ? `${r.host}:${r.hostPort}` : "-"],
    ["last exit", r.lastExit ? `${r.lastExit.reason} (code ${r.lastExit.code ?? "-"})` : "-"],
  ];
  return (
    <aside class="panel" data-replica-panel={r.id}>
      <header>
        <strong>{r.id}</strong>
        <button class="link" onClick={props.onClose}>
          close
        </button>
      </header>
      <dl>
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <button onClick={() => void props.actions.restart(r.id)} disabled={r.desired === "stop"}>
        Restart (replace this copy)
      </button>
    </aside>
  );
}
