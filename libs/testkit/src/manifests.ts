/** The example web app as a manifest, for system tests and benches that run it as a process-driver workload. */

/**
 * A Deployment `web` in `default` of `replicas` copies of examples/web/server.js (run from the repository root):
 * port `http` 8080, 50m CPU and 32 MiB, ready on GET /healthz (every 500 ms, two failures); `over` on top.
 */
export function exampleWebManifest(replicas: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "Deployment",
    name: "web",
    namespace: "default",
    replicas,
    command: ["node", "examples/web/server.js"],
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { cpu: 0.05, memory: "32Mi" },
    readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 0.5, failureThreshold: 2 },
    ...over,
  };
}
