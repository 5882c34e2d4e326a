/**
 * NATS subject builders. This is the only module that spells subjects; every other file calls these.
 * All subjects live under `tug.v1.` (the protocol version is in both the subject and the envelope).
 */
import { TugError } from "./errors.js";

const PREFIX = "tug.v1";
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** Returns `s` when it is a safe single subject token; throws `INVALID_SUBJECT_TOKEN` otherwise. */
export function token(s: string): string {
  if (!TOKEN.test(s)) throw new TugError("INVALID_SUBJECT_TOKEN", `not a valid subject token: ${JSON.stringify(s)}`);
  return s;
}

/** The desired-state intake verbs handled by the controller. */
export const DESIRED_VERBS = [
  "apply",
  "delete",
  "scale",
  "rollback",
  "pause",
  "resume",
  "cordon",
  "uncordon",
  "drain",
  "restart",
] as const;
export type DesiredVerb = (typeof DESIRED_VERBS)[number];

/** Kinds of change hints published on `tug.v1.events.<kind>.<id>`. */
export type HintKind = "deployment" | "replica" | "node" | "endpoints";

/** Encodes an id that may hold `/` (deployment ids are `ns/name`) as one subject token. */
export function idToken(id: string): string {
  return token(id.replace(/\//g, "_"));
}

export const subjects = {
  /** Request/reply intake for a desired-state verb (controller queue group). */
  desired: (verb: DesiredVerb) => `${PREFIX}.desired.${verb}`,
  /** Wildcard for every intake verb. */
  desiredAll: `${PREFIX}.desired.*`,
  /** Hint: "look at this id". */
  hint: (kind: HintKind, id: string) => `${PREFIX}.events.${kind}.${idToken(id)}`,
  /** Wildcard over hints of one kind. */
  hintAll: (kind: HintKind) => `${PREFIX}.events.${kind}.>`,
  /** Hint to a worker: your assignment changed. */
  nodeAssign: (node: string) => `${PREFIX}.node.${token(node)}.assign`,
  /** Worker → health-monitor request for the node's full assignment list. */
  nodeSync: (node: string) => `${PREFIX}.node.${token(node)}.sync`,
  nodeHeartbeat: (node: string) => `${PREFIX}.node.${token(node)}.heartbeat`,
  nodeStatus: (node: string) => `${PREFIX}.node.${token(node)}.status`,
  nodeMetrics: (node: string) => `${PREFIX}.node.${token(node)}.metrics`,
  /** Wildcard over one per-node channel for every node, e.g. `nodeAny("heartbeat")`. */
  nodeAny: (channel: "sync" | "heartbeat" | "status" | "metrics" | "assign") => `${PREFIX}.node.*.${channel}`,
  /** Control-plane liveness. */
  componentHeartbeat: (role: string, instance: string) =>
    `${PREFIX}.component.${token(role)}.${token(instance)}.heartbeat`,
  componentHeartbeatAll: `${PREFIX}.component.*.*.heartbeat`,
  /** Heartbeats of every instance of one role. */
  componentHeartbeatOfRole: (role: string) => `${PREFIX}.component.${token(role)}.*.heartbeat`,
  /** Proxy → autoscaler traffic figures. */
  proxyMetrics: `${PREFIX}.proxy.metrics`,
  /** Every hint (`tug.v1.events.>`). */
  hintsAll: `${PREFIX}.events.>`,
  /**
   * Prefix of the reply inboxes of one NATS identity (`_INBOX.<identity>`): a client connects with it as its
   * `inboxPrefix`, and its permissions let it subscribe under it only, so no identity can read another's replies.
   */
  inbox: (identity: string) => `_INBOX.${token(identity)}`,
} as const;

/** Extracts the node id from a `tug.v1.node.<node>.<channel>` subject, or undefined. */
export function nodeFromSubject(subject: string): string | undefined {
  const parts = subject.split(".");
  return parts.length === 5 && parts[2] === "node" ? parts[3] : undefined;
}
