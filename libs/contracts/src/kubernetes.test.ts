import { describe, expect, it } from "vitest";
import { fromKubernetes } from "./kubernetes.js";
import { manifestSchema } from "./manifest.js";
import { validate } from "./validate.js";

/** A standard apps/v1 Deployment as `kubectl create deployment … --dry-run=client -o yaml` and the docs write it. */
const k8s = (container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web" }, annotations: { a: "b" } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "tug-examples/web:1",
            imagePullPolicy: "IfNotPresent",
            args: ["--verbose"],
            env: [{ name: "GREETING", value: "hello" }],
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1" } },
            readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 5 },
            ...container,
          },
        ],
        ...spec,
      },
    },
  },
});

/** The one container's field path. */
const C0 = "spec.template.spec.containers[0]";

describe("Kubernetes manifests", () => {
  it("translates an apps/v1 Deployment into a valid Tugboat manifest", () => {
    const m = validate(manifestSchema, fromKubernetes({ ...k8s(), status: {} }), "manifest");
    expect(m).toMatchObject({
      name: "web",
      namespace: "shop",
      replicas: 3,
      image: "tug-examples/web:1",
      command: ["--verbose"],
      labels: { app: "web" },
      env: { GREETING: "hello" },
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { cpuMillis: 100, memoryBytes: 64 * 2 ** 20 },
      readinessProbe: { http: { path: "/healthz", port: "http" }, periodSeconds: 1 },
      livenessProbe: { tcp: { port: 8080 }, failureThreshold: 5 },
      strategy: { type: "RollingUpdate", maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it("carries a container's readOnlyRootFilesystem over", () => {
    const m = validate(manifestSchema, fromKubernetes(k8s({ securityContext: { readOnlyRootFilesystem: true } })));
    expect(m.securityContext).toEqual({ readOnlyRootFilesystem: true });
  });

  it("leaves Tugboat's own manifests alone", () => {
    const own = { kind: "Deployment", name: "web", command: ["x"] };
    expect(fromKubernetes(own)).toBe(own);
  });

  it.each([
    [
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: {} },
      "kind",
      /Kubernetes Service \(apiVersion v1\); Tugboat reads only an apps\/v1 Deployment, or its own flat manifest/,
    ],
    [k8s({}, { volumes: [] }), "spec.template.spec.volumes", /no equivalent of spec\.template\.spec\.volumes/],
    [k8s({ volumeMounts: [] }), "spec.template.spec.containers[0].volumeMounts", /no equivalent/],
    [k8s({ env: [{ name: "X", valueFrom: { secretKeyRef: {} } }] }), `${C0}.env[0].valueFrom`, /valueFrom/],
    [k8s({ ports: [{ containerPort: 53, protocol: "UDP" }] }), `${C0}.ports[0].protocol`, /TCP ports only/],
    [k8s({}, { containers: [{ image: "a" }, { image: "b" }] }), "spec.template.spec.containers", /exactly one/],
    [k8s({ securityContext: { privileged: true } }), `${C0}.securityContext.privileged`, /not allowed/],
    [
      k8s({ securityContext: { allowPrivilegeEscalation: true } }),
      `${C0}.securityContext.allowPrivilegeEscalation`,
      /no-new/,
    ],
    [
      k8s({ securityContext: { capabilities: { add: ["NET_ADMIN"] } } }),
      `${C0}.securityContext.capabilities`,
      /no equiv/,
    ],
    [k8s({}, { hostNetwork: true }), "spec.template.spec.hostNetwork", /no equivalent/],
  ])("refuses what it cannot carry over, in plain words (%#)", (input, field, message) => {
    const text = expect.stringMatching(message);
    const refused = expect.objectContaining({ code: "VALIDATION_FAILED", field, message: text });
    expect(() => fromKubernetes(input)).toThrow(refused);
  });
});
