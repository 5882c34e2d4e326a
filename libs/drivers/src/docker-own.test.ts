import { describe, expect, it } from "vitest";
import { ownSelector } from "./docker.js";

describe("ownSelector", () => {
  it("scopes adoption to the node, the managed flag and every extra label (clusters share one engine)", () => {
    expect(ownSelector("node-1", { "tug.cluster": "tugboat", "tug.test-run": "r1" })).toEqual([
      "tug.node=node-1",
      "tug.managed=1",
      "tug.cluster=tugboat",
      "tug.test-run=r1",
    ]);
  });

  it("ignores extra labels that would override the identity labels, and works without any", () => {
    expect(ownSelector("n1", { "tug.node": "other" })).toEqual(["tug.node=n1", "tug.managed=1"]);
    expect(ownSelector("n1")).toEqual(["tug.node=n1", "tug.managed=1"]);
  });
});
