/** The replica manager's unit-test set-up (not part of the build): a plain template, its assignments, a manager. */
import type { Assignment, Template } from "@tug/contracts";
import type { Driver } from "@tug/drivers";
import { silentLogger } from "@tug/log";
import { bareTemplate } from "@tug/testkit";
import { PortAllocator } from "./ports.js";
import { type ManagerOptions, ReplicaManager } from "./replica-manager.js";

/** A template of command `x`: no ports, no requests, restart Always, 1 s grace. */
export const plainTemplate: Template = bareTemplate({ command: ["x"] });

/** An assignment of `id` to run (or stop) with `template`, deployment default/web revision 1. */
export function assignment(
  id: string,
  template: Template = plainTemplate,
  desired: "run" | "stop" = "run",
): Assignment {
  return { replica: { id, deployment: "default/web", revision: 1, desired, gen: 1 }, template };
}

/** A ReplicaManager of node n1 over `driver` with 10 free host ports from `portsFrom`; `over` sets the rest. */
export function managerOn(driver: Driver, portsFrom = 40_000, over: Partial<ManagerOptions> = {}): ReplicaManager {
  return new ReplicaManager({
    driver,
    node: "n1",
    workdir: "/",
    log: silentLogger(),
    changed: () => {},
    ports: new PortAllocator(portsFrom, 10, async () => true),
    orphanGraceMs: 1_000,
    ...over,
  });
}
