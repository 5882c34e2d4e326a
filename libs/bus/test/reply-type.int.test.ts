/**
 * Replies speak the request's language: a JSON request (content-type application/json, or JSON bytes with no
 * header, as `nats req` sends) gets a JSON reply with that content type, ok or error; msgpack gets msgpack.
 * A real nats-server and a plain NATS client.
 */
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { decode, encode, envelope, TugError } from "@tug/contracts";
import { silentLogger } from "@tug/log";
import { startNats, type ServerHandle } from "@tug/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../src/bus.js";

let nats: ServerHandle;
let bus: Bus;
let nc: NatsConnection;
const SUBJECT = "tug.v1.test.echo";

beforeAll(async () => {
  nats = await startNats();
  bus = await Bus.connect({ url: nats.url, name: "reply-test", log: silentLogger() });
  bus.serve(SUBJECT, async (body) => {
    if ((body as { fail?: boolean }).fail) throw new TugError("VALIDATION_FAILED", "asked to fail", "fail");
    return { ok: true, echo: body };
  });
  nc = await connect({ servers: nats.url });
  await bus.nc.flush();
});
afterAll(async () => {
  await nc.close();
  await bus.close();
  await nats.stop();
});

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe("bus replies", () => {
  it("answers a request declared application/json in JSON", async () => {
    const h = headers();
    h.set("content-type", "application/json");
    const msg = await nc.request(SUBJECT, json({ name: "web" }), { timeout: 2_000, headers: h });
    expect(msg.headers?.get("content-type")).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(msg.data))).toEqual({ ok: true, echo: { name: "web" } });
  });

  it("answers JSON bytes without a header in JSON, errors included", async () => {
    const msg = await nc.request(SUBJECT, json({ fail: true }), { timeout: 2_000 });
    expect(msg.headers?.get("content-type")).toBe("application/json");
    const error = { ok: false, code: "VALIDATION_FAILED", message: "asked to fail", field: "fail", retryable: false };
    expect(JSON.parse(new TextDecoder().decode(msg.data))).toEqual(error);
  });

  it("answers msgpack in msgpack", async () => {
    const msg = await nc.request(SUBJECT, encode(envelope("test", "client", { name: "mp" })), { timeout: 2_000 });
    expect(msg.headers?.get("content-type")).toBe("application/msgpack");
    expect(msg.data[0]).not.toBe(0x7b);
    expect(decode(msg.data, "application/msgpack")).toEqual({ ok: true, echo: { name: "mp" } });
  });
});
