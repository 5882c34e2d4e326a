import { describe, expect, it } from "vitest";
import { MetricsBook } from "./metrics.js";

const proxy = (rps: number) => ({ services: [{ id: "default/web", rps, connections: rps / 10 }] });

describe("autoscaler metrics", () => {
  it("averages the proxy's traffic over its window, per ready replica", () => {
    const b = new MetricsBook(15_000, 6_000);
    b.addProxyMetrics(proxy(40), 0);
    b.addProxyMetrics(proxy(40), 2_000);
    b.addProxyMetrics(proxy(70), 4_000); // one bursty sample
    expect(b.perReplica("default/web", "rps", 10, 4_000)).toBe(5);
    b.addProxyMetrics(proxy(10), 8_000); // the 0 and 2 000 samples left the window
    expect(b.perReplica("default/web", "rps", 4, 8_000)).toBe(10);
    expect(b.perReplica("default/web", "connections", 1, 8_000)).toBe(4);
  });
  it("ignores stale samples and rejects malformed ones", () => {
    const b = new MetricsBook(15_000, 6_000);
    b.addProxyMetrics(proxy(40), 0);
    expect(b.perReplica("default/web", "rps", 2, 16_000)).toBeUndefined();
    expect(b.perReplica("default/web", "rps", 0, 0)).toBeUndefined();
    b.prune(16_000);
    expect(b.perReplica("default/web", "rps", 2, 0)).toBeUndefined();
    expect(() => b.addProxyMetrics({ services: [{ id: "x", rps: -1, connections: 0 }] })).toThrow();
  });
});
