/**
 * Free ports that stay out of the workers' replica port ranges: a health/metrics (or NATS, Redis, API, DNS) port the
 * kernel hands out could otherwise fall inside a range a worker gives to its replicas (with `--ports-from` in the
 * ephemeral range, or many nodes), and a replica would then fail to bind its port.
 */
import { createServer } from "node:net";
import { freePorts } from "./ports.js";

/** An inclusive port range `[first, last]`. */
export type PortRange = readonly [first: number, last: number];

/** How many rounds of kernel-chosen ports to try before probing ports one by one. */
const KERNEL_ROUNDS = 4;
/** Where probing starts when the kernel's choices keep landing in the avoided ranges. */
const PROBE_FROM = 10_000;

/** The replica port range of each of `nodes` local workers (worker i: `portsFrom + (i-1)*1000`, 1000 ports). */
export function workerPortRanges(portsFrom: number, nodes: number): PortRange[] {
  return Array.from({ length: nodes }, (_, i) => [portsFrom + i * 1000, portsFrom + i * 1000 + 999] as const);
}

/** True when `port` lies in one of `ranges`. */
export function inRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some(([first, last]) => port >= first && port <= last);
}

/**
 * `count` distinct free ports on 127.0.0.1, none inside `ranges`: kernel-chosen ones first, then (when the ranges
 * cover most of the ephemeral range) ports probed upward from 10000. Throws when no such ports are left.
 */
export async function freePortsOutside(count: number, ranges: readonly PortRange[]): Promise<number[]> {
  const found = new Set<number>();
  for (let round = 0; round < KERNEL_ROUNDS && found.size < count; round++) {
    for (const p of await freePorts(count - found.size)) if (!inRanges(p, ranges)) found.add(p);
  }
  for (let p = PROBE_FROM; found.size < count && p <= 65_535; p++) {
    if (!found.has(p) && !inRanges(p, ranges) && (await canBind(p))) found.add(p);
  }
  if (found.size < count) throw new Error(`no ${count} free ports outside the workers' port ranges`);
  return [...found];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false)).listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
