/**
 * The live connection: one EventSource on `GET /v1/watch?view=cluster` (no polling). Deltas arriving within 16 ms
 * are applied together, so a burst of changes costs one render.
 */
import type { ClusterDelta } from "@tug/contracts";
import { useEffect, useState } from "preact/hooks";
import { applyDelta, type ClusterState, emptyState } from "./state.js";

/** Connection state shown in the header. */
export type LinkState = "connecting" | "live" | "reconnecting";

/** Subscribes to the cluster watch; returns the current state, the link state and when the last change arrived. */
export function useCluster(): { state: ClusterState; link: LinkState; lastChangeAt: number } {
  const [state, setState] = useState<ClusterState>(emptyState);
  const [link, setLink] = useState<LinkState>("connecting");
  const [lastChangeAt, setLastChangeAt] = useState(0);
  useEffect(() => {
    const source = new EventSource("/v1/watch?view=cluster&timeout=3600");
    let pending: ClusterDelta[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setState((s) => batch.reduce(applyDelta, s));
      setLastChangeAt(Date.now());
    };
    source.addEventListener("open", () => setLink("live"));
    source.addEventListener("error", () =>
      setLink(source.readyState === EventSource.CLOSED ? "connecting" : "reconnecting"),
    );
    source.addEventListener("cluster", (e) => {
      pending.push(JSON.parse((e as MessageEvent<string>).data) as ClusterDelta);
      setLink("live");
      if (!frame) frame = window.setTimeout(flush, 16); // a timer, not a frame: hidden tabs stay current too
    });
    return () => {
      source.close();
      window.clearTimeout(frame);
    };
  }, []);
  return { state, link, lastChangeAt };
}
