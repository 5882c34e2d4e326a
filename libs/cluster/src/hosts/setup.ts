/** A running hosts lab for one cluster: the namespaces and bridge (lab.ts) plus the NATS relay (relay.ts). */
import { buildLab, type Lab, planLab, removeLab } from "./lab.js";
import { assertLabPrivileges } from "./privileges.js";
import { type Relay, startRelay } from "./relay.js";

/** The lab of a running cluster. */
export interface HostsLab {
  lab: Lab;
  /** NATS URL the hosts' workers use: the relay on the bridge address. */
  natsUrl: string;
  /** Closes the relay and removes every namespace, link and rule of the lab. Idempotent. */
  stop(): Promise<string[]>;
}

/**
 * Checks privileges, removes a crashed lab's leftovers, builds the lab of `count` hosts on `subnet` and opens the
 * relay to NATS on `natsPort`. On failure nothing it made is left.
 */
export async function startHostsLab(
  dataDir: string,
  count: number,
  subnet: string,
  natsPort: number,
  log?: (line: string) => void,
): Promise<HostsLab> {
  await assertLabPrivileges();
  const lab = planLab(dataDir, count, subnet);
  await buildLab(dataDir, lab, log);
  let relay: Relay;
  try {
    relay = await startRelay(lab.bridgeAddress, natsPort, natsPort);
  } catch (err) {
    await removeLab(dataDir, lab);
    throw err;
  }
  let stopped: Promise<string[]> | undefined;
  return {
    lab,
    natsUrl: `nats://${relay.listen}`,
    // the running lab as it was built: removed even if its record file went away meanwhile
    stop: () => (stopped ??= relay.close().then(() => removeLab(dataDir, lab))),
  };
}
