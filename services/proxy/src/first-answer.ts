/**
 * The first exchange of a proxied connection, before the upstream has said anything. A docker-proxy in front of a
 * replica accepts every connection and closes it when the container behind it is not (or no longer) listening, so a
 * successful connect proves nothing; the upstream's first byte does. Until it comes, what the client sends is
 * forwarded and kept, so the connection can be replayed on another endpoint when the upstream closes without a word
 * and the bytes are safe to send twice (nothing yet, or an idempotent HTTP request: GET, HEAD, OPTIONS).
 */
import type { Socket } from "node:net";

/** Most client bytes kept for a replay; a longer request is not replayed. */
export const REPLAY_LIMIT = 64 * 1024;

const IDEMPOTENT = /^(GET|HEAD|OPTIONS) /;

/** What the client sent so far (kept up to REPLAY_LIMIT, then dropped: no replay), and whether it ended its side. */
export class ClientBytes {
  private chunks: Buffer[] = [];
  private bytes = 0;
  ended = false;

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > REPLAY_LIMIT) this.chunks = [];
    else this.chunks.push(chunk);
  }

  /** Safe to send to another endpoint: nothing sent yet, or a small idempotent HTTP request. */
  get replayable(): boolean {
    if (this.bytes === 0) return true;
    if (this.bytes > REPLAY_LIMIT) return false;
    return IDEMPOTENT.test(Buffer.concat(this.chunks).subarray(0, 8).toString("latin1"));
  }

  /** Lets go of the kept bytes once an endpoint has answered (no replay can follow). */
  drop(): void {
    this.chunks = [];
  }

  /** Sends everything kept so far to `upstream` (a replay), ending it when the client has ended. */
  replayTo(upstream: Socket): void {
    for (const c of this.chunks) upstream.write(c);
    if (this.ended) upstream.end();
  }
}

/** How the first exchange ended. */
export type FirstAnswer = { kind: "answered"; first: Buffer } | { kind: "silent" } | { kind: "client-gone" };

/**
 * Forwards the client's bytes to `upstream` (recording them in `sent`) until the upstream sends its first chunk
 * ("answered", both sockets paused, nothing lost), closes or fails without one ("silent"), or the client goes away
 * ("client-gone"). The client must be paused on entry; it is resumed here.
 */
export function firstAnswer(client: Socket, upstream: Socket, sent: ClientBytes): Promise<FirstAnswer> {
  return new Promise((resolve) => {
    const done = (a: FirstAnswer) => {
      client.pause();
      upstream.pause();
      client.off("data", onClientData).off("end", onClientEnd).off("close", onClientGone);
      upstream.off("data", onUpstreamData).off("close", onSilent).off("error", onSilent).off("end", onSilent);
      resolve(a);
    };
    const onClientData = (chunk: Buffer) => {
      sent.add(chunk);
      upstream.write(chunk);
    };
    const onClientEnd = () => {
      sent.ended = true;
      upstream.end();
    };
    const onClientGone = () => done({ kind: "client-gone" });
    const onUpstreamData = (first: Buffer) => done({ kind: "answered", first });
    const onSilent = () => done({ kind: "silent" });
    client.on("data", onClientData).once("end", onClientEnd).once("close", onClientGone);
    upstream.once("data", onUpstreamData).once("close", onSilent).once("error", onSilent).once("end", onSilent);
    client.resume();
  });
}
