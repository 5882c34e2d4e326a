/**
 * The hosts lab on one Linux machine: one network namespace per node, each joined by a veth pair to a bridge that
 * the lab creates, all on one private /24. The bridge lives in a namespace of its own (the lab's switch), which the
 * root namespace joins by one more veth pair (the uplink, holding the bridge address): frames between two hosts are
 * switched there, out of reach of the root namespace's firewall (Docker's FORWARD policy is DROP, and br_netfilter
 * would apply it to a bridge in the root namespace), and the root namespace's firewall is never touched. Everything is written to `<dataDir>/hosts/lab.json` *before* it is
 * created, so a crashed `tug up --hosts` leaves a list of exactly what to remove; removal touches only what that
 * file names (and only processes inside those namespaces).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isAlive } from "../procfs.js";
import { LabError, tool, toolIdempotent } from "./run.js";
import { assertSubnetFree, bridgeAddress, controlPlaneAddress, hostAddress, MAX_HOSTS, parseSubnet } from "./subnet.js";

/** One host of the lab: a node in its own namespace. */
export interface LabHost {
  /** Node id, `host-<i>`. */
  node: string;
  namespace: string;
  /** Root-side end of the veth pair (the namespace side is `eth0`). */
  veth: string;
  address: string;
}

/** A lab: what it is made of, as recorded in lab.json. */
export interface Lab {
  version: 1;
  /** The `tug up` process that built it. */
  pid: number;
  subnet: string;
  /** The bridge, inside the switch namespace. */
  bridge: string;
  /** The switch namespace (labs recorded before it existed have none: their bridge is in the root namespace). */
  switch?: string;
  /** Root-namespace end of the veth pair to the switch; it holds the bridge address. */
  uplink?: string;
  bridgeAddress: string;
  hosts: LabHost[];
  /** `tug up --ha --hosts`: the 3 control-plane hosts (`cp-1`…`cp-3`) that run NATS, Redis and the components. */
  controlPlane?: LabHost[];
}

/** The addresses a lab's clients reach the control plane on: the bridge (the NATS relay) and the control-plane hosts. */
export function labAddresses(lab: Lab): string[] {
  return [lab.bridgeAddress, ...(lab.controlPlane ?? []).map((h) => h.address)];
}

/** Where a data dir's lab record lives. */
export function labFile(dataDir: string): string {
  return join(dataDir, "hosts", "lab.json");
}

/**
 * The lab `tug up --hosts` builds for `dataDir`: names carry a tag derived from the data dir, so labs of different
 * data dirs differ. `controlPlane` hosts (`cp-<i>`, at `.(1 + i)`) come on top of the `count` node hosts.
 */
export function planLab(dataDir: string, count: number, subnetCidr: string, pid = process.pid, controlPlane = 0): Lab {
  if (!(Number.isInteger(count) && count >= 2 && count <= MAX_HOSTS)) {
    throw new LabError(`--hosts must be 2..${MAX_HOSTS}, got ${count}`);
  }
  const s = parseSubnet(subnetCidr);
  const tag = createHash("sha256").update(dataDir).digest("hex").slice(0, 6);
  const hosts = Array.from({ length: count }, (_, j) => ({
    node: `host-${j + 1}`,
    namespace: `tug-${tag}-host-${j + 1}`,
    veth: `tug${tag}h${j + 1}`,
    address: hostAddress(s, j + 1),
  }));
  const cp = Array.from({ length: controlPlane }, (_, j) => ({
    node: `cp-${j + 1}`,
    namespace: `tug-${tag}-cp-${j + 1}`,
    veth: `tug${tag}c${j + 1}`,
    address: controlPlaneAddress(s, j + 1),
  }));
  const lab: Lab = {
    version: 1,
    pid,
    subnet: s.cidr,
    bridge: `tugbr-${tag}`,
    switch: `tug-${tag}-switch`,
    uplink: `tug${tag}up`,
    bridgeAddress: bridgeAddress(s),
    hosts,
  };
  return cp.length ? { ...lab, controlPlane: cp } : lab;
}

/**
 * The addresses that make up the control plane as a host sees it: the bridge (the root namespace: the API, the proxy,
 * and NATS through its relay) and, with `--ha`, the control-plane hosts; without `except`'s own address.
 */
export function controlPlanePeers(lab: Lab, except?: LabHost): string[] {
  return [lab.bridgeAddress, ...(lab.controlPlane ?? []).filter((h) => h !== except).map((h) => h.address)];
}

/** Every address a host can be cut off from: the bridge's and every other host's. */
export function allPeers(lab: Lab, host: LabHost): string[] {
  return [
    lab.bridgeAddress,
    ...allHosts(lab)
      .filter((h) => h !== host)
      .map((h) => h.address),
  ];
}

/** Every host of `lab`: the nodes' and the control plane's. */
export function allHosts(lab: Lab): LabHost[] {
  return [...lab.hosts, ...(lab.controlPlane ?? [])];
}

/** The recorded lab of `dataDir`, or undefined when there is none. */
export function readLab(dataDir: string): Lab | undefined {
  let raw: Lab;
  try {
    raw = JSON.parse(readFileSync(labFile(dataDir), "utf8")) as Lab;
  } catch {
    return undefined;
  }
  const names = /^[A-Za-z0-9_.-]{1,64}$/;
  const ok =
    raw?.version === 1 &&
    names.test(raw.bridge) &&
    [raw.switch, raw.uplink].every((n) => n === undefined || names.test(n)) &&
    Array.isArray(raw.hosts) &&
    (raw.controlPlane === undefined || Array.isArray(raw.controlPlane)) &&
    allHosts(raw).every((h) => names.test(h.namespace) && names.test(h.veth));
  if (!ok) throw new LabError(`${labFile(dataDir)} is malformed; remove what it names by hand, then the file`);
  return raw;
}

function writeLab(dataDir: string, lab: Lab): void {
  const path = labFile(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(lab, null, 1)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Network namespaces that exist now (`ip netns list`). */
export async function namespaces(): Promise<string[]> {
  return (await tool("ip", ["netns", "list"]))
    .split("\n")
    .map((l) => l.trim().split(/\s/)[0]!)
    .filter(Boolean);
}

/**
 * Builds `lab` after removing the leftovers a crashed lab of the same data dir recorded. Refuses (LabError) when
 * another live process owns the recorded lab, when a name is taken by something this data dir did not record, or
 * when the subnet collides with an address or route of the machine. On a failure midway, everything is removed.
 */
export async function buildLab(dataDir: string, lab: Lab, log: (line: string) => void = () => {}): Promise<void> {
  const old = readLab(dataDir);
  if (old && old.pid !== process.pid && isAlive(old.pid)) {
    throw new LabError(`the lab of ${dataDir} belongs to a running process (pid ${old.pid}); stop it first`);
  }
  if (old) for (const line of await removeLab(dataDir)) log(`leftover of a previous run: ${line}`);
  const taken = new Set(await namespaces());
  const clash = [...allHosts(lab).map((h) => h.namespace), ...(lab.switch ? [lab.switch] : [])].filter((n) =>
    taken.has(n),
  );
  if (clash.length) {
    const names = clash.join(", ");
    throw new LabError(`network namespace(s) ${names} exist but this data dir did not create them; not touching them`);
  }
  await assertSubnetFree(parseSubnet(lab.subnet));
  writeLab(dataDir, lab);
  try {
    const sw = switchOf(lab);
    await tool("ip", ["netns", "add", sw]);
    await tool("ip", ["-n", sw, "link", "add", lab.bridge, "type", "bridge"]);
    await tool("ip", ["-n", sw, "link", "set", lab.bridge, "up"]);
    const uplink = uplinkOf(lab);
    await tool("ip", ["link", "add", uplink, "type", "veth", "peer", "name", "uplink", "netns", sw]);
    await tool("ip", ["-n", sw, "link", "set", "uplink", "master", lab.bridge, "up"]);
    await tool("ip", ["addr", "add", `${lab.bridgeAddress}/24`, "dev", uplink]);
    await tool("ip", ["link", "set", uplink, "up"]);
    for (const h of allHosts(lab)) await addHost(lab, h);
  } catch (err) {
    await removeLab(dataDir).catch(() => {});
    throw err;
  }
}

/** The switch namespace of a lab built now (planLab always names one). */
function switchOf(lab: Lab): string {
  if (!lab.switch) throw new LabError("internal: this lab record has no switch namespace");
  return lab.switch;
}

function uplinkOf(lab: Lab): string {
  if (!lab.uplink) throw new LabError("internal: this lab record has no uplink");
  return lab.uplink;
}

async function addHost(lab: Lab, h: LabHost): Promise<void> {
  const sw = switchOf(lab);
  await tool("ip", ["netns", "add", h.namespace]);
  await tool("ip", ["-n", sw, "link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.namespace]);
  await tool("ip", ["-n", sw, "link", "set", h.veth, "master", lab.bridge, "up"]);
  await tool("ip", ["-n", h.namespace, "addr", "add", `${h.address}/24`, "dev", "eth0"]);
  await tool("ip", ["-n", h.namespace, "link", "set", "eth0", "up"]);
  await tool("ip", ["-n", h.namespace, "link", "set", "lo", "up"]);
}

/**
 * Adds one more host to the running lab of `dataDir` for a worker started by hand (`tug worker --join`, the way a
 * second machine joins): recorded in lab.json first, then created, so the lab's removal takes it too.
 */
export async function addLabHost(dataDir: string, node: string): Promise<LabHost> {
  const lab = readLab(dataDir);
  if (!lab) throw new LabError(`no hosts lab at ${dataDir}`);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(node) || allHosts(lab).some((h) => h.node === node)) {
    throw new LabError(`host name ${JSON.stringify(node)} is malformed or taken`);
  }
  const i = lab.hosts.length + 1;
  const tag = lab.bridge.slice("tugbr-".length);
  const address = hostAddress(parseSubnet(lab.subnet), i);
  const host: LabHost = { node, namespace: `tug-${tag}-${node}`, veth: `tug${tag}h${i}`, address };
  if ((await namespaces()).includes(host.namespace)) {
    throw new LabError(`network namespace ${host.namespace} exists but this lab did not create it`);
  }
  writeLab(dataDir, { ...lab, hosts: [...lab.hosts, host] });
  await addHost(lab, host);
  return host;
}

/**
 * SIGKILLs every process left in the lab's namespaces, deletes the namespaces (their rules, veths and the switch's
 * bridge go with them), the uplink and any link lab.json names that is left in the root namespace (or of `known`,
 * the running lab, when the file is gone), then the file. Idempotent; returns one line per object removed.
 */
export async function removeLab(dataDir: string, known?: Lab): Promise<string[]> {
  const lab = readLab(dataDir) ?? known;
  if (!lab) return [];
  const done: string[] = [];
  const existing = new Set(await namespaces());
  for (const ns of [...allHosts(lab).map((h) => h.namespace), ...(lab.switch ? [lab.switch] : [])]) {
    if (!existing.has(ns)) continue;
    const pids = await killNamespace(ns);
    if (pids.length) done.push(`killed ${pids.length} process(es) left in ${ns}`);
    await toolIdempotent("ip", ["netns", "del", ns]);
    done.push(`removed namespace ${ns}`);
  }
  for (const link of [...allHosts(lab).map((h) => h.veth), lab.bridge, ...(lab.uplink ? [lab.uplink] : [])]) {
    if (await linkExists(link)) {
      await toolIdempotent("ip", ["link", "del", link]);
      done.push(`removed link ${link}`);
    }
  }
  rmSync(labFile(dataDir), { force: true });
  return done;
}

/** SIGKILLs every process in namespace `ns` (all of them were started there by the lab); returns their PIDs. */
export async function killNamespace(ns: string): Promise<number[]> {
  const pids = await namespacePids(ns);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/** PIDs of the processes in namespace `ns` (`ip netns pids`). */
export async function namespacePids(ns: string): Promise<number[]> {
  const out = await tool("ip", ["netns", "pids", ns]).catch(() => "");
  const pids = out.split("\n").map((l) => Number(l.trim()));
  return pids.filter((n) => Number.isSafeInteger(n) && n > 1 && n !== process.pid);
}

async function linkExists(name: string): Promise<boolean> {
  return tool("ip", ["link", "show", "dev", name]).then(
    () => true,
    () => false,
  );
}
