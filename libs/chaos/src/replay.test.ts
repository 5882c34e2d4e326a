import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FaultRecord } from "./faults.js";
import { Prng } from "./prng.js";
import { readScript, scriptOf, writeScript } from "./replay.js";
import { seededOps } from "./workload.js";

const dir = mkdtempSync(join(tmpdir(), "tug-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shape = {
  seed: 7,
  nodes: 3,
  driver: "fake" as const,
  replicasPerComponent: 1,
  orphanGraceMs: 3_000,
  durationMs: 60_000,
};

describe("chaos replay scripts", () => {
  it("records delivered faults and every change with offsets, and reads back what it wrote", () => {
    const faults: FaultRecord[] = [
      { at: 1_500, kind: "pause-worker", target: "worker-node-1", pauseMs: 2_000, delivered: true },
      { at: 1_900, kind: "restart-redis", target: "redis", delivered: false },
      { at: 2_400, kind: "kill-replica", target: "node-2/chaos-1-1-abcde", delivered: true },
    ];
    const ops = [...take(seededOps(new Prng(1), 8), 5)].map((op, i) => ({ ...op, offsetMs: i * 300 }));
    const s = scriptOf(shape, 1_000, faults, ops);
    expect(s.faults).toEqual([
      { offsetMs: 500, kind: "pause-worker", target: "worker-node-1", pauseMs: 2_000 },
      { offsetMs: 1_400, kind: "kill-replica", target: "node-2/chaos-1-1-abcde" },
    ]);
    const file = join(dir, "a.replay.json");
    writeScript(file, s);
    expect(readScript(file)).toEqual(s);
  });

  it("draws the same changes from the same seed", () => {
    expect([...take(seededOps(new Prng(9), 8), 30)]).toEqual([...take(seededOps(new Prng(9), 8), 30)]);
  });

  it("refuses a malformed script naming the field", () => {
    const file = join(dir, "bad.replay.json");
    writeFileSync(
      file,
      JSON.stringify({ v: 1, ...shape, faults: [{ offsetMs: 0, kind: "rm-rf", target: "x" }], workload: [] }),
    );
    expect(() => readScript(file)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: "replay.faults.0.kind" }),
    );
    writeFileSync(file, "{ not json");
    expect(() => readScript(file)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", field: "replay" }));
  });
});

function* take<T>(g: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  for (const x of g) {
    yield x;
    if (--n <= 0) return;
  }
}
