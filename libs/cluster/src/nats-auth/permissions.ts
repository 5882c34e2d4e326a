/**
 * What each NATS identity may publish and subscribe to, after the Kubernetes node authorizer: a node speaks only on
 * its own `tug.v1.node.<node>.*` subjects and hears only what is addressed to it; only the controller hears the
 * desired-state intake; the registry and users only send intake requests. Everything not allowed is denied, and the
 * explicit denies below win over any allow. Replies travel on `_INBOX.<identity>.…` (each identity subscribes to its
 * own inboxes only); the identities that answer requests (controller, health-monitor) get `allow_responses`, so they
 * can publish to a reply subject only while answering a request they received.
 */
import { CONTROL_PLANE_ROLES, DESIRED_VERBS, subjects } from "@tug/contracts";

/** The roles of the NATS identities. */
export const NATS_ROLES = [...CONTROL_PLANE_ROLES, "node", "user", "harness"] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

/** One identity: its user name (a subject token), its role and, for `node`, the nodes it speaks for. */
export interface NatsIdentity {
  user: string;
  role: NatsRole;
  /** Node ids (role `node`: its own node, or a hollow process's nodes). */
  nodes?: string[];
}

/** A nats-server permission block (allow lists; deny wins). */
export interface NatsPermissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
  allow_responses?: boolean;
}

const intake = subjects.desiredAll;
const hints = subjects.hintsAll;
/** What a node publishes about itself: heartbeats, status, metrics, and its sync requests. */
const nodeOwn = (n: string) => [
  subjects.nodeHeartbeat(n),
  subjects.nodeStatus(n),
  subjects.nodeMetrics(n),
  subjects.nodeSync(n),
];
const nodeReads = ["heartbeat", "status", "metrics"] as const;
/** Every per-node subject of every node, and every other control-plane subject: never a user's to publish. */
const notForUsers = [
  ...(["heartbeat", "status", "metrics", "sync", "assign"] as const).map((c) => subjects.nodeAny(c)),
  hints,
  subjects.componentHeartbeatAll,
];

/** Every control-plane identity: its own inboxes, its role's component heartbeat; never the intake. */
function controlPlane(role: string, user: string, p: { pub: string[]; sub: string[] }): NatsPermissions {
  return {
    publish: { allow: [subjects.componentHeartbeatOfRole(role), ...p.pub] },
    subscribe: { allow: [`${subjects.inbox(user)}.>`, ...p.sub], deny: role === "controller" ? [] : [intake] },
  };
}

/** The permissions of `id` (pure; `nats-auth/config.ts` writes them into the server's authorization block). */
export function permissionsOf(id: NatsIdentity): NatsPermissions {
  const inbox = `${subjects.inbox(id.user)}.>`;
  const assign = subjects.nodeAny("assign");
  switch (id.role) {
    case "controller":
      return {
        ...controlPlane(id.role, id.user, { pub: [hints, assign], sub: [intake, subjects.hintAll("deployment")] }),
        allow_responses: true,
      };
    case "scheduler":
      return controlPlane(id.role, id.user, {
        pub: [hints, assign],
        sub: [subjects.hintAll("replica"), subjects.hintAll("node")],
      });
    case "health-monitor":
      return {
        ...controlPlane(id.role, id.user, {
          pub: [hints, assign],
          sub: [subjects.nodeAny("heartbeat"), subjects.nodeAny("status"), subjects.nodeAny("sync")],
        }),
        allow_responses: true,
      };
    case "autoscaler":
      return controlPlane(id.role, id.user, {
        pub: [subjects.desired("scale")],
        sub: [subjects.nodeAny("metrics"), subjects.proxyMetrics],
      });
    case "registry":
      return controlPlane(id.role, id.user, { pub: [intake], sub: [hints, subjects.proxyMetrics] });
    case "proxy":
      return controlPlane(id.role, id.user, { pub: [subjects.proxyMetrics], sub: [hints] });
    case "node": {
      const nodes = id.nodes ?? [];
      return {
        publish: { allow: nodes.flatMap(nodeOwn), deny: [intake] },
        subscribe: { allow: [inbox, ...nodes.map((n) => subjects.nodeAssign(n))], deny: [intake] },
      };
    }
    case "user":
    case "harness":
      // users send intake requests and watch (tug chaos run, tug events --follow); the test harness may also fake
      // the proxy's traffic figures (autoscaling tests)
      return {
        publish: {
          allow: [
            ...DESIRED_VERBS.map((v) => subjects.desired(v)),
            ...(id.role === "harness" ? [subjects.proxyMetrics] : []),
          ],
          deny: notForUsers,
        },
        subscribe: {
          allow: [
            inbox,
            hints,
            subjects.componentHeartbeatAll,
            subjects.proxyMetrics,
            ...nodeReads.map((c) => subjects.nodeAny(c)),
          ],
          deny: [intake],
        },
      };
  }
}
