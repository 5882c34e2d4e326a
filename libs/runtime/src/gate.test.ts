/** Gate: at most `limit` tasks at once, the rest in arrival order; a failing task frees its slot. */
import { describe, expect, it } from "vitest";
import { Gate } from "./gate.js";

describe("Gate", () => {
  it("runs at most limit tasks at once, the rest in arrival order", async () => {
    const gate = new Gate(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      order.push(i);
      active--;
      return i;
    };
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => gate.run(task(i))));
    expect(gate.queued).toBe(3);
    expect(await all).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([3, 4, 5]);
    expect(gate.queued).toBe(0);
  });

  it("a failing task rejects its caller and frees its slot", async () => {
    const gate = new Gate(1);
    const failed = gate.run(async () => {
      throw new Error("boom");
    });
    const next = gate.run(async () => "next");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("next");
  });

  it("refuses a limit below 1", () => {
    expect(() => new Gate(0)).toThrow(RangeError);
  });
});
