import { describe, expect, it } from "vitest";
import { planLab } from "./lab.js";
import { partitionRuleset } from "./partition.js";
import { missingCaps } from "./privileges.js";
import { bridgeAddress, collisions, hostAddress, parseSubnet } from "./subnet.js";

describe("hosts subnet", () => {
  const s = parseSubnet("10.231.0.0/24");

  it("bridge .1, host i at .(10 + i)", () => {
    expect(bridgeAddress(s)).toBe("10.231.0.1");
    expect(hostAddress(s, 2)).toBe("10.231.0.12");
  });

  it.each(["10.231.0.0/16", "8.8.8.0/24", "10.231.0.5/24", "300.1.1.0/24"])("refuses %s", (cidr) => {
    expect(() => parseSubnet(cidr)).toThrow(/hosts subnet/);
  });

  it("finds addresses and routes that overlap, not others, not its own bridge, not the default route", () => {
    const hits = collisions(
      s,
      [
        { dev: "eth0", prefix: "192.0.2.2/24" },
        { dev: "eth0", prefix: "default" },
        { dev: "wg0", prefix: "10.0.0.0/8" },
        { dev: "br1", prefix: "10.231.0.77/32" },
        { dev: "tugbr-x", prefix: "10.231.0.1/24" },
        { dev: "eth1", prefix: "10.231.1.0/24" },
      ],
      "tugbr-x",
    );
    expect(hits.map((h) => h.dev)).toEqual(["wg0", "br1"]);
  });
});

describe("planLab", () => {
  it("names carry the data dir's tag and fit Linux's 15-character interface names", () => {
    const lab = planLab("/var/tug", 12, "10.231.0.0/24", 4242);
    expect(lab.hosts[11]).toMatchObject({ node: "host-12", address: "10.231.0.22" });
    for (const n of [lab.bridge, ...lab.hosts.map((h) => h.veth)]) expect(n.length).toBeLessThanOrEqual(15);
    expect(planLab("/other", 2, "10.231.0.0/24").bridge).not.toBe(lab.bridge);
    expect(() => planLab("/var/tug", 1, "10.231.0.0/24")).toThrow(/--hosts/);
  });
});

describe("partition rules and privileges", () => {
  it("drops both directions for the peer set", () => {
    const r = partitionRuleset(["10.231.0.1", "10.231.0.13"]);
    expect(r).toMatch(/elements = \{ 10\.231\.0\.1, 10\.231\.0\.13 \}/);
    expect(r).toMatch(/hook input .* ip saddr @peers drop/);
    expect(r).toMatch(/hook output .* ip daddr @peers drop/);
  });

  it("names CAP_NET_ADMIN when it is missing", () => {
    expect(missingCaps(0n)).toEqual(["CAP_NET_ADMIN", "CAP_SYS_ADMIN"]);
    expect(missingCaps((1n << 12n) | (1n << 21n))).toEqual([]);
  });
});
