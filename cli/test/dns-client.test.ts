import { createSocket } from "node:dgram";
import * as packet from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsServer, query } from "../src/dns-client.js";
import { dnsText } from "../src/commands/resolve.js";

const server = createSocket("udp4");
let port: number;

beforeAll(async () => {
  server.on("message", (msg, rinfo) => {
    const q = packet.decode(msg);
    const question = q.questions![0]!;
    const known = question.name === "web.default.svc.tug.internal";
    const answers: packet.Answer[] = !known
      ? []
      : question.type === "SRV"
        ? [
            {
              type: "SRV",
              name: question.name,
              ttl: 1,
              data: { priority: 0, weight: 1, port: 20001, target: "127.0.0.1" },
            },
          ]
        : [{ type: "A", name: question.name, ttl: 1, data: "127.0.0.1" }];
    const res = packet.encode({ type: "response", id: q.id, flags: known ? 0 : 3, questions: q.questions, answers });
    server.send(res, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", r));
  port = server.address().port;
});
afterAll(() => server.close());

describe("dns client", () => {
  it("reads SRV and A answers", async () => {
    const srv = await query({ host: "127.0.0.1", port }, "web.default.svc.tug.internal", "SRV");
    expect(srv).toEqual([
      { type: "SRV", name: "web.default.svc.tug.internal", ttl: 1, data: "127.0.0.1:20001 (priority 0, weight 1)" },
    ]);
    const a = await query({ host: "127.0.0.1", port }, "web.default.svc.tug.internal", "A");
    expect(dnsText(a)).toBe("dns:\nTYPE   TTL   DATA\nA      1     127.0.0.1");
  });

  it("reports NXDOMAIN and timeouts as errors", async () => {
    await expect(query({ host: "127.0.0.1", port }, "nope.default.svc.tug.internal", "A")).rejects.toThrow("NXDOMAIN");
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    await expect(query({ host: "127.0.0.1", port: silent.address().port }, "x", "A", 200)).rejects.toThrow(/no answer/);
    silent.close();
  });

  it("parses host:port", () => {
    expect(dnsServer("127.0.0.1:5353")).toEqual({ host: "127.0.0.1", port: 5353 });
    expect(() => dnsServer("5353")).toThrow(/host:port/);
  });
});
