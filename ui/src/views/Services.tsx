/** Services: their endpoints (ready or not) and the proxy's new connections per second. */
import type { ClusterState } from "../state.js";

/** Endpoints listed per service at most. */
const ENDPOINT_LIMIT = 50;

/** The services view. */
export function ServicesView({ state }: { state: ClusterState }) {
  const services = [...state.services.values()].sort((a, b) => a.id.localeCompare(b.id));
  if (services.length === 0) return <p class="dim">No services yet.</p>;
  return (
    <div class="services">
      {services.map((s) => {
        const t = state.traffic[s.id];
        const ready = s.endpoints.filter((e) => e.ready).length;
        const published = (s.ports ?? []).filter((p) => p.published).map((p) => `127.0.0.1:${p.published}`);
        return (
          <section class="service" key={s.id} data-service={s.id} data-endpoints={s.endpoints.length}>
            <header>
              <strong>{s.id}</strong>
              <span class="dim">
                {ready}/{s.endpoints.length} endpoints ready · DNS {s.name}.{s.namespace}.svc.tug.internal
                {published.length > 0 && ` · proxy ${published.join(", ")}`}
              </span>
              <span class="rps" title="new connections per second through the proxy, and connections open now">
                {t ? `${t.rps.toFixed(1)} req/s · ${t.connections} open` : "no traffic figures"}
              </span>
            </header>
            <table class="grid small">
              <tbody>
                {s.endpoints.slice(0, ENDPOINT_LIMIT).map((e) => (
                  <tr key={e.replica} data-endpoint={e.replica} class={e.ready ? "" : "unready"}>
                    <td>
                      {e.host}:{e.port}
                    </td>
                    <td>{e.replica}</td>
                    <td>{e.node}</td>
                    <td>{e.ready ? "ready" : "not ready"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {s.endpoints.length > ENDPOINT_LIMIT && (
              <p class="dim">+{s.endpoints.length - ENDPOINT_LIMIT} more endpoints</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
