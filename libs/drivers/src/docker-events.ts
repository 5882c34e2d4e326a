/**
 * Follows the engine's event stream for container `die` events of Tugboat containers, reconnecting (with `since`,
 * so nothing in between is lost) whenever the stream ends or the engine is away.
 */
import type Dockerode from "dockerode";
import type { Logger } from "@tug/log";
import { MANAGED_SELECTOR } from "./docker-spec.js";
import { engineMessage } from "./docker-errors.js";

/** A container died: its id and exit code (null when the event did not carry one). */
export interface DieEvent {
  id: string;
  exitCode: number | null;
}

/** Settings of the follower. */
export interface DockerEventsOptions {
  docker: Pick<Dockerode, "getEvents">;
  log: Logger;
  onDie: (e: DieEvent) => void;
  /** Called after every (re)connection, before any event of it: time to re-check what may have been missed. */
  onConnect?: (reconnect: boolean) => void;
  /** First reconnect delay; doubles up to 5 s. Default 250 ms. */
  retryMs?: number;
}

/** Splits a byte stream of newline-delimited JSON into parsed objects; a malformed line is skipped. */
export class JsonLines {
  private buf = "";

  /** Feeds a chunk; returns the complete objects it finished. */
  push(chunk: Buffer | string): unknown[] {
    this.buf += chunk.toString();
    const lines = this.buf.split("\n");
    this.buf = lines.pop() ?? "";
    const out: unknown[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        /* not an event */
      }
    }
    return out;
  }
}

/** Reads a die event out of one raw engine event, or undefined for anything else. */
export function parseDieEvent(raw: unknown): DieEvent | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const e = raw as {
    Type?: string;
    Action?: string;
    status?: string;
    id?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
  };
  if ((e.Type ?? "container") !== "container" || (e.Action ?? e.status) !== "die") return undefined;
  const id = e.Actor?.ID ?? e.id;
  if (!id) return undefined;
  const code = Number(e.Actor?.Attributes?.exitCode);
  return { id, exitCode: e.Actor?.Attributes?.exitCode !== undefined && Number.isInteger(code) ? code : null };
}

/** The follower. `start()` resolves once the first connection attempt has settled (connected or failed). */
export class DockerEvents {
  private readonly ac = new AbortController();
  private sinceSec: number | undefined;
  private retry: number;
  private timer: NodeJS.Timeout | undefined;
  private connected = false;
  private everConnected = false;
  private first: Promise<void> | undefined;

  constructor(private readonly o: DockerEventsOptions) {
    this.retry = o.retryMs ?? 250;
  }

  /** True while a stream is open. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Starts following (idempotent). */
  start(): Promise<void> {
    this.first ??= this.connect();
    return this.first;
  }

  /** Stops following; no reconnects after this. */
  close(): void {
    this.ac.abort();
    clearTimeout(this.timer);
    this.connected = false;
  }

  private async connect(): Promise<void> {
    if (this.ac.signal.aborted) return;
    const filters: Record<string, string[]> = { label: [MANAGED_SELECTOR], type: ["container"], event: ["die"] };
    const since = this.sinceSec ?? Math.floor(Date.now() / 1000);
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.o.docker.getEvents({
        filters: JSON.stringify(filters),
        since,
        abortSignal: this.ac.signal,
      } as never)) as unknown as NodeJS.ReadableStream;
    } catch (err) {
      if (!this.ac.signal.aborted) {
        this.o.log.warn({ err: engineMessage(err), retryMs: this.retry }, "cannot follow Docker events; retrying");
        this.reconnectLater();
      }
      return;
    }
    this.sinceSec = since;
    const reconnect = this.everConnected;
    this.connected = this.everConnected = true;
    this.retry = this.o.retryMs ?? 250;
    if (reconnect) this.o.log.info({ since }, "Docker event stream reconnected");
    this.o.onConnect?.(reconnect);
    const lines = new JsonLines();
    let ended = false;
    const onEnd = (err?: unknown) => {
      if (ended) return;
      ended = true;
      this.connected = false;
      if (this.ac.signal.aborted) return;
      this.o.log.warn({ err: err ? engineMessage(err) : undefined }, "Docker event stream ended; reconnecting");
      this.reconnectLater();
    };
    stream.on("data", (chunk: Buffer) => {
      for (const raw of lines.push(chunk)) {
        const t = (raw as { time?: number }).time;
        if (typeof t === "number") this.sinceSec = t;
        const die = parseDieEvent(raw);
        if (die) this.o.onDie(die);
      }
    });
    stream.on("end", () => onEnd());
    stream.on("close", () => onEnd());
    stream.on("error", (err) => onEnd(err));
  }

  private reconnectLater(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.retry);
    this.timer.unref();
    this.retry = Math.min(this.retry * 2, 5_000);
  }
}
