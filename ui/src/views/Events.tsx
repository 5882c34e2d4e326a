/** The live event feed, newest first, and the chaos banner drawn from the same events. */
import type { ClusterEvent } from "@tug/contracts";
import { isDisruption, recentDisruptions } from "../derive.js";

const time = (at: number) => new Date(at).toISOString().slice(11, 23);

/** The event feed (the state keeps the last 200 events). */
export function EventsView({ events }: { events: readonly ClusterEvent[] }) {
  return (
    <ol class="events" data-events={events.length}>
      {[...events].reverse().map((e) => (
        <li key={e.id} class={isDisruption(e) ? "bad" : ""} data-reason={e.reason} data-object={e.object}>
          <span class="dim">{time(e.at)}</span> <span class="kind">{e.kind}</span> <strong>{e.object}</strong>{" "}
          <span class="reason">{e.reason}</span> <span class="dim">{e.message}</span>
        </li>
      ))}
    </ol>
  );
}

/** Shown while failures keep coming (a chaos run, or real trouble): how many in the last minute, and the latest. */
export function ChaosBanner({ events, now }: { events: readonly ClusterEvent[]; now: number }) {
  const recent = recentDisruptions(events, now);
  if (recent.length === 0) return null;
  const last = recent.at(-1)!;
  return (
    <div class="chaos" data-chaos={recent.length}>
      ⚡ {recent.length} disruption{recent.length === 1 ? "" : "s"} in the last minute (chaos or failures) · latest:{" "}
      {last.object} {last.reason} {time(last.at)}
    </div>
  );
}
