/** What `tug up --hosts` needs from the machine: Linux, CAP_NET_ADMIN (root), and the `ip` and `nft` tools. */
import { readFileSync } from "node:fs";
import { LabError, tool } from "./run.js";

/** Bit of CAP_NET_ADMIN in the capability sets (linux/capability.h). */
const CAP_NET_ADMIN = 12n;
/** CAP_SYS_ADMIN: `ip netns add` mounts the namespace file. */
const CAP_SYS_ADMIN = 21n;

/** The effective capability set of this process, from /proc (undefined where there is none). */
export function effectiveCaps(status = "/proc/self/status"): bigint | undefined {
  try {
    const line = readFileSync(status, "utf8")
      .split("\n")
      .find((l) => l.startsWith("CapEff:"));
    return line ? BigInt(`0x${line.slice(7).trim()}`) : undefined;
  } catch {
    return undefined;
  }
}

/** The capabilities a lab needs that `caps` lacks, by name. */
export function missingCaps(caps: bigint | undefined): string[] {
  if (caps === undefined) return ["Linux /proc (network namespaces are a Linux feature)"];
  const out: string[] = [];
  if (!((caps >> CAP_NET_ADMIN) & 1n)) out.push("CAP_NET_ADMIN");
  if (!((caps >> CAP_SYS_ADMIN) & 1n)) out.push("CAP_SYS_ADMIN");
  return out;
}

/** Throws a LabError naming every missing capability or tool; resolves when a lab can be built here. */
export async function assertLabPrivileges(): Promise<void> {
  const missing = missingCaps(effectiveCaps());
  if (missing.length) {
    const what = missing.join(" and ");
    throw new LabError(
      `tug up --hosts needs root (missing ${what}): it creates network namespaces, a bridge and ` +
        "firewall rules; run it with sudo, or without --hosts",
    );
  }
  for (const [cmd, pkg] of [
    ["ip", "iproute2"],
    ["nft", "nftables"],
  ] as const) {
    await tool(cmd, ["-V"]).catch((err) => {
      throw new LabError(`tug up --hosts needs the \`${cmd}\` tool (package ${pkg}): ${(err as Error).message}`);
    });
  }
}
