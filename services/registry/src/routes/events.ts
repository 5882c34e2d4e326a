/** `GET /v1/events?since=<streamId>&limit=`: the cluster event stream, oldest first. */
import { validate } from "@tug/contracts";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../deps.js";
import { eventsQuery } from "../params.js";

/** Registers the event listing; `next` is the id to pass as `since` for the following page. */
export function eventRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get("/v1/events", async (req) => {
    const q = validate(eventsQuery, req.query, "query");
    const items = await store.events(q.since, q.limit);
    return { items, next: items.at(-1)?.id ?? q.since };
  });
}
