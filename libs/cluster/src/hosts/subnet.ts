/**
 * The lab's one private /24: the bridge takes `.1`, control-plane host i (`--ha`) `.(1 + i)`, host i `.(10 + i)`. Before a lab is built, every IPv4
 * address and route of the root namespace is checked against it; any overlap (other than the lab's own bridge) is
 * refused, so the lab never shadows a network the machine already uses.
 */
import { LabError, tool } from "./run.js";

/** The documented default subnet of `tug up --hosts` (override: --hosts-subnet / TUG_HOSTS_SUBNET). */
export const DEFAULT_HOSTS_SUBNET = "10.231.0.0/24";

/** Most hosts one /24 holds with host i at `.(10 + i)`. */
export const MAX_HOSTS = 200;

/** A validated /24. */
export interface Subnet {
  /** `a.b.c.0/24`. */
  cidr: string;
  /** `a.b.c`. */
  base: string;
}

/** Parses `a.b.c.0/24` (RFC 1918 only); throws a LabError naming what is wrong. */
export function parseSubnet(cidr: string): Subnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(cidr.trim());
  const [a, b, c] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || [a, b, c].some((x) => x! > 255)) {
    throw new LabError(`hosts subnet must be a /24 like ${DEFAULT_HOSTS_SUBNET}, got ${JSON.stringify(cidr)}`);
  }
  const private_ = a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168);
  if (!private_) throw new LabError(`hosts subnet must be private (RFC 1918), got ${cidr}`);
  return { cidr: `${a}.${b}.${c}.0/24`, base: `${a}.${b}.${c}` };
}

/** The bridge's address (the control plane's address as the hosts see it). */
export function bridgeAddress(s: Subnet): string {
  return `${s.base}.1`;
}

/** The address of host `i` (1-based). */
export function hostAddress(s: Subnet, i: number): string {
  if (!(Number.isInteger(i) && i >= 1 && i <= MAX_HOSTS)) {
    throw new LabError(`host index must be 1..${MAX_HOSTS}, got ${i}`);
  }
  return `${s.base}.${10 + i}`;
}

/** Most control-plane hosts a lab has (between the bridge and the first node host). */
export const MAX_CONTROL_PLANE_HOSTS = 8;

/** The address of control-plane host `i` (1-based). */
export function controlPlaneAddress(s: Subnet, i: number): string {
  if (!(Number.isInteger(i) && i >= 1 && i <= MAX_CONTROL_PLANE_HOSTS)) {
    throw new LabError(`control-plane host index must be 1..${MAX_CONTROL_PLANE_HOSTS}, got ${i}`);
  }
  return `${s.base}.${1 + i}`;
}

/** An IPv4 prefix as `ip -j` reports it. */
export interface Prefix {
  /** Interface it belongs to. */
  dev: string;
  /** `a.b.c.d/len` (or `a.b.c.d` for a host route). */
  prefix: string;
}

/** Prefixes from `prefixes` that overlap `s`, ignoring those on `ownDev` (the lab's bridge) and the default route. */
export function collisions(s: Subnet, prefixes: readonly Prefix[], ownDev?: string): Prefix[] {
  const [net] = toRange(s.cidr);
  return prefixes.filter((p) => {
    if (p.dev === ownDev || p.prefix === "default") return false;
    const [lo, hi] = toRange(p.prefix);
    return lo <= net! + 255 && hi >= net!;
  });
}

/** Every IPv4 address and route of the root namespace (`ip -j`). */
export async function rootPrefixes(): Promise<Prefix[]> {
  type Link = { ifname: string; addr_info?: Array<{ local: string; prefixlen: number }> };
  const addrs = JSON.parse(await tool("ip", ["-j", "-4", "addr", "show"])) as Link[];
  type Route = { dst: string; dev?: string };
  const routes = JSON.parse(await tool("ip", ["-j", "-4", "route", "show", "table", "all"])) as Route[];
  return [
    ...addrs.flatMap((a) => (a.addr_info ?? []).map((i) => ({ dev: a.ifname, prefix: `${i.local}/${i.prefixlen}` }))),
    ...routes.filter((r) => /^\d/.test(r.dst)).map((r) => ({ dev: r.dev ?? "", prefix: r.dst })),
  ];
}

/** Throws a LabError listing what on this machine already uses an address of `s`. */
export async function assertSubnetFree(s: Subnet, ownDev?: string): Promise<void> {
  const hit = collisions(s, await rootPrefixes(), ownDev);
  if (hit.length) {
    const what = [...new Set(hit.map((p) => `${p.prefix} on ${p.dev || "?"}`))].join(", ");
    throw new LabError(
      `hosts subnet ${s.cidr} collides with ${what}; ` +
        "pick another private /24 with --hosts-subnet (or TUG_HOSTS_SUBNET)",
    );
  }
}

/** [first, last] address of `a.b.c.d/len` as integers. */
function toRange(prefix: string): [number, number] {
  const [ip, len = "32"] = prefix.split("/");
  const n = ip!.split(".").reduce((acc, x) => acc * 256 + Number(x), 0);
  const size = 2 ** (32 - Number(len));
  const lo = n - (n % size);
  return [lo, lo + size - 1];
}
