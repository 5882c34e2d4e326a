/**
 * A running hosts lab for one cluster: the namespaces and bridge (lab.ts) plus the NATS relay (relay.ts) when NATS
 * runs on loopback; with `--ha` NATS runs on the lab's control-plane hosts, which the node hosts reach directly.
 */
import { buildLab, type Lab, planLab, removeLab } from "./lab.js";
import { assertLabPrivileges } from "./privileges.js";
import { type Relay, startRelay } from "./relay.js";

/** The lab of a running cluster. */
export interface HostsLab {
  lab: Lab;
  /** NATS URL the hosts' workers use: the relay on the bridge address (undefined without a relay). */
  natsUrl?: string;
  /** Closes the relay and removes every namespace, link and rule of the lab. Idempotent. */
  stop(): Promise<string[]>;
}

/** What to build besides `count` node hosts. */
export interface LabExtras {
  /** Relay the bridge address's port to NATS on loopback (the NATS port; absent = no relay). */
  relayNatsPort?: number;
  /** Control-plane hosts to add (`--ha`: 3). */
  controlPlane?: number;
}

/**
 * Checks privileges, removes a crashed lab's leftovers, builds the lab of `count` hosts (and the control-plane hosts)
 * on `subnet` and opens the relay to NATS. On failure nothing it made is left.
 */
export async function startHostsLab(
  dataDir: string,
  count: number,
  subnet: string,
  extras: LabExtras,
  log?: (line: string) => void,
): Promise<HostsLab> {
  await assertLabPrivileges();
  const lab = planLab(dataDir, count, subnet, process.pid, extras.controlPlane ?? 0);
  await buildLab(dataDir, lab, log);
  let relay: Relay | undefined;
  try {
    const port = extras.relayNatsPort;
    relay = port === undefined ? undefined : await startRelay(lab.bridgeAddress, port, port);
  } catch (err) {
    await removeLab(dataDir, lab);
    throw err;
  }
  let stopped: Promise<string[]> | undefined;
  return {
    lab,
    natsUrl: relay && `nats://${relay.listen}`,
    // the running lab as it was built: removed even if its record file went away meanwhile
    stop: () => (stopped ??= (relay?.close() ?? Promise.resolve()).then(() => removeLab(dataDir, lab))),
  };
}
