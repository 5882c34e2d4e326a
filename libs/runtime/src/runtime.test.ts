import { describe, expect, it } from "vitest";
import { silentLogger } from "@tug/log";
import { backoff, reconcileLoop, retryFor, sleep, STORE_PROBE_MS, WorkQueue } from "./index.js";

describe("runtime - work queue", () => {
  it("de-duplicates waiting keys and never hands out a key twice at once", async () => {
    const q = new WorkQueue();
    q.add("a");
    q.add("a");
    q.add("b");
    expect(q.length).toBe(2);
    const k = await q.get();
    expect(k).toBe("a");
    q.add("a"); // while processing: marked dirty, not queued
    expect(q.length).toBe(1);
    expect(await q.get()).toBe("b");
    q.done("a");
    expect(await q.get()).toBe("a");
  });
  it("under a duty cycle, rests a key in proportion to what it cost and coalesces what arrives meanwhile", async () => {
    const q = new WorkQueue({ dutyCycle: 0.25 }); // rest = 3 × the time it took
    q.add("big");
    expect(await q.get()).toBe("big");
    q.add("big"); // hints while it is processed
    q.add("big");
    q.done("big", 40); // took 40 ms: not again before 120 ms
    q.add("small");
    expect(await q.get()).toBe("small");
    q.done("small", 1); // took 1 ms: back after 3 ms
    q.add("small");
    expect(q.length).toBe(0);
    const t0 = Date.now();
    expect(await q.get()).toBe("small");
    q.done("small");
    expect(await q.get()).toBe("big"); // once, for all three hints
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(110);
    q.done("big");
    q.add("big"); // done without a cost: no rest
    expect(q.length).toBe(1);
    q.close();
    expect(() => new WorkQueue({ dutyCycle: 0 })).toThrow(RangeError);
  });
  it("forgets the expired rests of keys that never come back", async () => {
    const q = new WorkQueue({ dutyCycle: 0.5 });
    const rests = (q as unknown as { notBefore: Map<string, number> }).notBefore;
    for (let i = 0; i < 1_000; i++) {
      q.add(`k${i}`);
      await q.get();
      q.done(`k${i}`, 1); // rests 1 ms, then is never added again (a deleted deployment)
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
    }
    expect(rests.size).toBeLessThan(300);
    q.close();
  });
  it("releases waiters when closed", async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.close();
    expect(await pending).toBeUndefined();
  });
});

describe("runtime - reconcile loop", () => {
  it("lists every key at start, retries failures with backoff, and stops on abort", async () => {
    const seen: string[] = [];
    let failOnce = true;
    const loop = reconcileLoop({
      name: "t",
      log: silentLogger(),
      resyncMs: 60_000,
      listKeys: async () => ["x", "y"],
      reconciler: {
        async reconcile(key) {
          seen.push(key);
          if (key === "y" && failOnce) {
            failOnce = false;
            throw new Error("transient");
          }
          return {};
        },
      },
    });
    const ac = new AbortController();
    const running = loop.run(ac.signal);
    for (let i = 0; i < 50 && seen.filter((k) => k === "y").length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await running;
    expect(seen.filter((k) => k === "x")).toHaveLength(1);
    expect(seen.filter((k) => k === "y")).toHaveLength(2);
  });
  it("parks keys the store refused until one probe sees it back, then retries them all at once", async () => {
    const tries = new Map<string, number>();
    let storeDown = true;
    let probes = 0;
    const loop = reconcileLoop({
      name: "t",
      log: silentLogger(),
      resyncMs: 60_000,
      listKeys: async () => ["x", "y", "z"],
      reconciler: {
        async reconcile(key) {
          tries.set(key, (tries.get(key) ?? 0) + 1);
          if (storeDown) throw new Error("NOREPLICAS Not enough good replicas to write.");
          return {};
        },
      },
      storeGate: {
        unavailable: (err) => /NOREPLICAS/.test(String(err)),
        probe: async () => {
          probes++;
          if (storeDown) throw new Error("still down");
        },
      },
    });
    const ac = new AbortController();
    const running = loop.run(ac.signal);
    await sleep(1_200);
    // parked: tried once each, not on a backoff of their own; one probe loop for the three of them
    expect([...tries.values()]).toEqual([1, 1, 1]);
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(probes).toBeLessThanOrEqual(1_200 / STORE_PROBE_MS + 1);
    storeDown = false;
    for (let i = 0; i < 100 && [...tries.values()].some((n) => n < 2); i++) await sleep(20);
    expect([...tries.values()]).toEqual([2, 2, 2]);
    const probesWhenBack = probes;
    await sleep(3 * STORE_PROBE_MS);
    expect(probes, "the probe stops once no key waits").toBe(probesWhenBack);
    ac.abort();
    await running;
  });
  it("stops when aborted while its first resync still reads", async () => {
    let listed: () => void = () => {};
    const loop = reconcileLoop({
      name: "t",
      log: silentLogger(),
      resyncMs: 60_000,
      listKeys: () => new Promise<string[]>((resolve) => (listed = () => resolve(["x"]))),
      reconciler: { reconcile: async () => ({}) },
    });
    const ac = new AbortController();
    const running = loop.run(ac.signal);
    ac.abort();
    listed();
    const outcome = await Promise.race([running.then(() => "stopped"), sleep(2_000).then(() => "still running")]);
    expect(outcome).toBe("stopped");
  });
  it("retryFor tries until it succeeds, and gives up with the last error at its deadline", async () => {
    let calls = 0;
    const third = async () => {
      if (++calls < 3) throw new Error(`try ${calls}`);
      return "done";
    };
    expect(await retryFor(third, 1_000, 10)).toBe("done");
    expect(calls).toBe(3);
    calls = 0;
    const never = async () => {
      throw new Error(`try ${++calls}`);
    };
    const began = Date.now();
    const err = await retryFor(never, 100, 20).catch((e: unknown) => e);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect((err as Error).message, "the last try's error").toBe(`try ${calls}`);
    expect(Date.now() - began).toBeLessThan(1_000);
  });
  it("backs off exponentially up to the cap", () => {
    expect(backoff(0, 100, 1000)).toBeLessThanOrEqual(120);
    expect(backoff(10, 100, 1000)).toBeLessThanOrEqual(1200);
    expect(backoff(10, 100, 1000)).toBeGreaterThanOrEqual(800);
  });
});
