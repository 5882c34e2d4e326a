/**
 * coalescePublishes: publishes made in one turn are all delivered, in order, after it (one socket write); without
 * the option a publish is sent at once. A real nats-server.
 */
import { silentLogger } from "@tug/log";
import { eventually, startNats, type ServerHandle } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../src/bus.js";

let nats: ServerHandle;
let sender: Bus;
let receiver: Bus;

beforeAll(async () => {
  nats = await startNats();
  sender = await Bus.connect({ url: nats.url, name: "hollow/test", log: silentLogger(), coalescePublishes: true });
  receiver = await Bus.connect({ url: nats.url, name: "receiver", log: silentLogger() });
});
afterAll(async () => {
  await sender.close();
  await receiver.close();
  await nats.stop();
});

describe("bus coalescePublishes", () => {
  it("delivers every publish of a turn, in order, once the turn is over", async () => {
    const got: number[] = [];
    receiver.subscribe("tug.v1.test.beats", (env) => void got.push((env.body as { i: number }).i));
    await receiver.nc.flush();
    const outbound = () => sender.nc.stats().outMsgs;
    const before = outbound();
    for (let i = 0; i < 500; i++) sender.publish("tug.v1.test.beats", "beat", { i });
    expect(outbound()).toBe(before); // nothing handed to the connection during the turn
    await eventually(() => expect(got).toHaveLength(500));
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
