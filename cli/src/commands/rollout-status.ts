/** `tug rollout status`: progress of a rollout from the API's deployment detail (pure), and the watch loop. */
import { canonicalJson, TugError } from "@tug/contracts";
import type { DeploymentDetail } from "../api-types.js";
import type { Ctx } from "../context.js";

/** One look at a rollout. `outcome` is set once it is over. */
export interface RolloutProgress {
  revision: number;
  /** Replicas (to run) at the current template, including earlier revisions with the same template. */
  updated: number;
  /** Ready replicas among those to run. */
  ready: number;
  /** Replicas to run at another template. */
  old: number;
  desired: number;
  paused: boolean;
  outcome?: { ok: boolean; message: string };
}

/** Judges the detail against `watched` (the revision being watched). */
export function rolloutProgress(d: DeploymentDetail, watched: number): RolloutProgress {
  const dep = d.deployment;
  const template = canonicalJson(dep.template);
  const same = new Set(
    d.revisions
      .filter((r) => r.revision === dep.revision || canonicalJson(r.template) === template)
      .map((r) => r.revision),
  );
  const run = d.replicas.items.filter((r) => r.desired === "run");
  const up = run.filter((r) => same.has(r.revision));
  const p: RolloutProgress = {
    revision: dep.revision,
    updated: up.length,
    ready: run.filter((r) => r.ready).length,
    old: run.length - up.length,
    desired: dep.replicas,
    paused: dep.paused,
  };
  const cond = dep.condition;
  if (dep.revision !== watched) {
    const why =
      cond?.type === "RolledBack"
        ? `rolled back (${cond.reason}): ${cond.message}`
        : `superseded by revision ${dep.revision}`;
    p.outcome = { ok: false, message: `revision ${watched} ${why}` };
  } else if (cond?.type === "ProgressDeadlineExceeded") {
    p.outcome = { ok: false, message: `revision ${watched} failed (${cond.reason}): ${cond.message}` };
  } else if (dep.lastGoodRevision === dep.revision && p.old === 0 && up.filter((r) => r.ready).length >= dep.replicas) {
    p.outcome = { ok: true, message: `deployment ${dep.id} successfully rolled out (revision ${dep.revision})` };
  }
  return p;
}

/** One progress line. */
export function progressLine(p: RolloutProgress): string {
  return (
    `revision ${p.revision}: ${p.updated} updated, ${p.ready} ready, ${p.old} old, ` +
    `${p.desired} desired${p.paused ? " (paused)" : ""}`
  );
}

/**
 * Polls the deployment every `periodMs` until the rollout is over or `timeoutMs` passes, showing a line (through
 * `show`, default `ctx.out`) whenever the counts change. Retryable API errors are waited out. Returns the final
 * outcome (a timeout is a failure).
 */
export async function watchRollout(
  ctx: Ctx,
  path: string,
  revision: number | undefined,
  timeoutMs: number,
  show: (line: string) => void = ctx.out,
  periodMs = 500,
): Promise<{ ok: boolean; message: string }> {
  const deadline = Date.now() + timeoutMs;
  let watched = revision;
  let last = "";
  while (Date.now() < deadline) {
    let d: DeploymentDetail | undefined;
    try {
      d = await ctx.api.get<DeploymentDetail>(path);
    } catch (err) {
      if (!(err instanceof TugError && err.retryable)) throw err;
    }
    if (d) {
      watched ??= d.deployment.revision;
      const p = rolloutProgress(d, watched);
      const line = progressLine(p);
      if (line !== last && !p.outcome) show(line);
      last = line;
      if (p.outcome) return p.outcome;
    }
    await new Promise((r) => setTimeout(r, periodMs));
  }
  return {
    ok: false,
    message:
      `timed out after ${Math.round(timeoutMs / 1000)}s ` +
      `waiting for the rollout${watched ? ` of revision ${watched}` : ""}`,
  };
}
