/** What the HTTP API depends on (its routes take the same), apart from the app itself. */
import type { Logger } from "@tug/log";
import type { AcceptedTokens } from "./auth.js";
import type { StateStore } from "@tug/state";
import type { Registry } from "prom-client";
import type { TrafficSource } from "./watch/cluster-feed.js";
import type { HintSource } from "./watch/feed.js";

/** Limits of `GET /v1/watch` streams. */
export interface WatchLimits {
  /** Open streams at most (`OVERLOADED` beyond). */
  maxStreams: number;
  /** Comment line period that keeps idle connections open. */
  keepaliveMs: number;
  /** Events buffered for a slow reader before its stream is ended. */
  maxPending: number;
}

/** The part of the bus the API needs: request/reply to the desired-state intake. */
export interface Intake {
  request<T = unknown>(subject: string, kind: string, body: unknown, timeoutMs?: number): Promise<T>;
}

/** What the API reads and writes through. */
export interface ApiDeps {
  store: StateStore;
  intake: Intake;
  metrics: Registry;
  log?: Logger;
  /** Extra health checks for /healthz (e.g. the bus connection). */
  checks?: Record<string, () => boolean>;
  /** Change hints that wake watches at once (the bus); without them watches rely on polling. */
  hints?: HintSource;
  /** The dashboard's built files (default: dist/ui of the registry). */
  uiDir?: string;
  /** The proxy's traffic figures (the bus), shown by the dashboard. */
  traffic?: TrafficSource;
  /** Safety-net poll period of watches, in ms (default 1000 with hints, 50 without). */
  watchPollMs?: number;
  /**
   * The bearer token(s) API writes must carry (a function: the set of the moment, as a token file is followed);
   * without one every write is refused (FORBIDDEN).
   */
  token?: AcceptedTokens;
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  https?: { cert: string; key: string };
  /** Overrides of the `GET /v1/watch` stream limits. */
  watchLimits?: Partial<WatchLimits>;
}
