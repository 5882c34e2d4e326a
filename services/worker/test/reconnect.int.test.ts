/**
 * The worker across a NATS outage (real nats-server restarted): an assign hint sent while the bus was down is lost,
 * so on reconnect the worker syncs at once and stops a replica no assignment claims within its orphan grace, rather
 * than a sync period later. (A chaos run caught a worker reporting such a replica for 6 s after it could reach the
 * bus again: its sync request had died with the connection and it waited out the timeout and a whole period.)
 */
import { bareTemplate, eventually } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignment, WorkerHarness } from "./harness.js";

const template = bareTemplate({
  command: ["fake"],
  ports: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
  resources: { cpuMillis: 100, memoryBytes: 64 * 1024 * 1024 },
});

describe("worker across a NATS restart", () => {
  // a sync period far longer than the test: only the reconnect can make the worker look again
  const h = new WorkerHarness("it-reconnect", {
    TUG_DRIVER: "fake",
    TUG_SYNC_MS: "60000",
    TUG_ORPHAN_GRACE_MS: "500",
    TUG_DRAIN_DELAY_MS: "0",
  });

  beforeAll(async () => {
    await h.open();
    await h.startWorker();
  });
  afterAll(async () => {
    await h.close();
  });

  it("syncs on reconnect and stops an orphan within its grace", async () => {
    h.assign([assignment("keep-1", template), assignment("gone-1", template)]);
    await eventually(
      () => {
        expect(h.replica("keep-1").phase).toBe("Running");
        expect(h.replica("gone-1").phase).toBe("Running");
      },
      { timeoutMs: 10_000, what: "both running" },
    );

    await h.nats.stop();
    h.assignments = [assignment("keep-1", template)]; // changed while the bus is down: its hint never arrives
    const back = Date.now();
    await h.nats.restart();
    await eventually(
      () => {
        expect(h.latest()?.replicas.find((r) => r.id === "gone-1" && r.phase === "Running")).toBeUndefined();
      },
      { timeoutMs: 15_000, intervalMs: 100, what: "the orphan stopped" },
    );
    expect(Date.now() - back, "orphan stopped within the grace of the reconnect").toBeLessThan(5_000);
    expect(h.replica("keep-1").phase).toBe("Running");
  });
});
