/**
 * Wire codec: msgpack by default, JSON when the sender says so (header or leading `{`).
 * Decoding never throws anything but TugError(BAD_ENCODING).
 */
import { Packr } from "msgpackr";
import { TugError } from "./errors.js";

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

/** Content types the codec understands. */
export type ContentType = "application/msgpack" | "application/json";

/** Encodes a value as msgpack (default) or JSON. */
export function encode(value: unknown, type: ContentType = "application/msgpack"): Uint8Array {
  if (type === "application/json") return new TextEncoder().encode(JSON.stringify(value));
  return packr.pack(value);
}

/** Decodes bytes; `type` is the declared content type, if any. */
export function decode(data: Uint8Array, type?: string): unknown {
  if (data.length === 0) throw new TugError("BAD_ENCODING", "empty message");
  const json = type === "application/json" || (type === undefined && (data[0] === 0x7b || data[0] === 0x5b));
  try {
    if (json) return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
    return packr.unpack(data);
  } catch (err) {
    throw new TugError(
      "BAD_ENCODING",
      `cannot decode ${json ? "JSON" : "msgpack"}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
}
