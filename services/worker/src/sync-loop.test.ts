import { silentLogger } from "@tug/log";
import { eventually } from "@tug/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { SyncLoop } from "./sync-loop.js";

describe("SyncLoop", () => {
  let ac = new AbortController();
  afterEach(() => {
    ac.abort();
    ac = new AbortController();
  });

  it("retries a failed sync after a short backoff, not a whole period later", async () => {
    const at: number[] = [];
    const loop = new SyncLoop({
      periodMs: 60_000,
      retryMs: 50,
      log: silentLogger(),
      sync: async () => {
        at.push(Date.now());
        if (at.length < 3) throw new Error("no responders");
      },
    });
    void loop.run(ac.signal);
    await eventually(() => expect(at.length).toBe(3), { timeoutMs: 2_000, what: "two retries" });
    expect(at[2]! - at[0]!).toBeLessThan(1_000);
  });

  it("retries at least once a second while syncs fail, even with a longer period", async () => {
    const at: number[] = [];
    const loop = new SyncLoop({
      periodMs: 60_000,
      retryMs: 2_000,
      log: silentLogger(),
      sync: async () => {
        at.push(Date.now());
        throw new Error("cut off");
      },
    });
    void loop.run(ac.signal);
    await eventually(() => expect(at.length).toBeGreaterThanOrEqual(3), { timeoutMs: 6_000, what: "three attempts" });
    expect(at[2]! - at[1]!).toBeLessThan(2_500); // the 1 s cap, not 2 s doubled to 4 s
  });

  it("abandons a sync waiting for its reply when the bus reconnects, and syncs again at once", async () => {
    const currents: Array<() => boolean> = [];
    const loop = new SyncLoop({
      periodMs: 60_000,
      log: silentLogger(),
      sync: async (current) => {
        currents.push(current);
        if (currents.length === 1) await new Promise(() => {}); // the request died with the connection
      },
    });
    void loop.run(ac.signal);
    await eventually(() => expect(currents.length).toBe(1), { timeoutMs: 2_000 });
    const t0 = Date.now();
    loop.reconnected();
    await eventually(() => expect(currents.length).toBe(2), {
      timeoutMs: 2_000,
      what: "a new sync after the reconnect",
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(currents[0]!()).toBe(false); // a late reply to the abandoned request applies nothing
  });
});
