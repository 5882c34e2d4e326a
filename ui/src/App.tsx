/** The dashboard: header (link, counts, token, last action), chaos banner, a tabbed main view and the event feed. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { type ActionResult, actionsWith } from "./actions.js";
import { useCluster } from "./live.js";
import { adoptToken, saveToken } from "./token.js";
import { DeploymentsView } from "./views/Deployments.js";
import { ChaosBanner, EventsView } from "./views/Events.js";
import { NodesView } from "./views/Nodes.js";
import { ReplicaPanel } from "./views/Replica.js";
import { ServicesView } from "./views/Services.js";

const TABS = ["nodes", "deployments", "services"] as const;
type Tab = (typeof TABS)[number];

function TokenBox({ token, setToken }: { token: string; setToken: (t: string) => void }) {
  const [draft, setDraft] = useState("");
  if (token)
    return (
      <span class="token" data-token="set">
        write token set ·{" "}
        <button class="link" onClick={() => setToken("")}>
          forget
        </button>
      </span>
    );
  return (
    <form
      class="token"
      data-token="unset"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(draft.trim());
      }}
    >
      <input
        type="password"
        placeholder="API token (tug up prints it)"
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Use</button>
    </form>
  );
}

function LastAction({ last }: { last?: { what: string; result: ActionResult } }) {
  if (!last) return null;
  const r = last.result;
  return (
    <span class={`result ${r.ok ? "ok" : "bad"}`} data-action-result={r.ok ? "ok" : r.code}>
      {last.what}: {r.ok ? "accepted" : `${r.code} — ${r.message}`}
    </span>
  );
}

/** `?tab=deployments` opens that tab first. */
function initialTab(): Tab {
  const t = new URLSearchParams(location.search).get("tab");
  return (TABS as readonly string[]).includes(t ?? "") ? (t as Tab) : "nodes";
}

/** The whole page. */
export function App() {
  const { state, link } = useCluster();
  const [tab, setTab] = useState<Tab>(initialTab);
  const [token, setTokenState] = useState(adoptToken);
  const [picked, setPicked] = useState<string | undefined>();
  const [last, setLast] = useState<{ what: string; result: ActionResult } | undefined>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000); // ages the chaos banner; data itself comes by SSE
    return () => clearInterval(t);
  }, []);
  const actions = useMemo(() => actionsWith(token, (what, result) => setLast({ what, result })), [token]);
  const setToken = (t: string) => {
    saveToken(t);
    setTokenState(t);
  };
  const replicas = [...state.replicas.values()];
  const ready = replicas.filter((r) => r.ready && r.desired === "run").length;
  const pickedReplica = picked ? state.replicas.get(picked) : undefined;
  return (
    <div class="app">
      <header class="top">
        <h1>Tugboat</h1>
        <span class={`link-state ${link}`} data-link={link}>
          {link}
        </span>
        <span class="dim" data-counts>
          {state.nodes.size} nodes · {ready}/{replicas.filter((r) => r.desired === "run").length} replicas ready ·{" "}
          {state.deployments.size} deployments
        </span>
        <LastAction last={last} />
        <TokenBox token={token} setToken={setToken} />
      </header>
      <ChaosBanner events={state.events} now={now} />
      <nav class="tabs">
        {TABS.map((t) => (
          <button key={t} class={t === tab ? "on" : ""} data-tab={t} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </nav>
      <div class="body">
        <main data-view={tab}>
          {tab === "nodes" && <NodesView state={state} actions={actions} onPick={setPicked} />}
          {tab === "deployments" && <DeploymentsView state={state} actions={actions} />}
          {tab === "services" && <ServicesView state={state} />}
        </main>
        <aside class="side">
          {pickedReplica && <ReplicaPanel r={pickedReplica} actions={actions} onClose={() => setPicked(undefined)} />}
          <h2>events</h2>
          <EventsView events={state.events} />
        </aside>
      </div>
    </div>
  );
}
