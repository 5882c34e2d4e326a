import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshestView } from "./sentinel.js";

const view = (host: string, epoch: number, flags = "master") => ({ host, port: 6379, epoch, flags });

describe("freshestView", () => {
  it("takes the highest configuration epoch, wherever it is in the list", () => {
    expect(freshestView([view("a", 3), view("b", 5), undefined, view("c", 4)])?.host).toBe("b");
  });

  it("at equal epochs prefers a finished failover to the leader's view while it is in progress", () => {
    const leader = view("old", 7, "master,failover_in_progress");
    expect(freshestView([leader, view("new", 7)])?.host).toBe("new");
    expect(freshestView([view("new", 7), leader])?.host).toBe("new");
    expect(freshestView([leader, view("older", 6)])?.host).toBe("old");
  });

  it("otherwise keeps the first of equal views, and none without views", () => {
    expect(freshestView([view("a", 2), view("b", 2)])?.host).toBe("a");
    expect(freshestView([undefined, undefined])).toBeUndefined();
  });

  it("never picks a view of a lower epoch than another one's (property)", () => {
    const arb = fc.array(
      fc.option(
        fc.record({
          host: fc.constantFrom("a", "b", "c"),
          epoch: fc.nat(5),
          flags: fc.constantFrom("master", "master,failover_in_progress", "s_down,master"),
        }),
        { nil: undefined },
      ),
    );
    fc.assert(
      fc.property(arb, (views) => {
        const best = freshestView(views);
        const epochs = views.flatMap((v) => (v ? [v.epoch] : []));
        if (epochs.length === 0) return best === undefined;
        return best !== undefined && best.epoch === Math.max(...epochs) && views.includes(best);
      }),
    );
  });
});
