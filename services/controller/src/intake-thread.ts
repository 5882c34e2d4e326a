/**
 * The controller's intake thread (ControllerOptions.intakeThread): serves `tug.v1.desired.*` on its own NATS and
 * Redis connections and posts each deployment to reconcile to the main thread.
 */
import { serveThread } from "@tug/service";
import { serveIntake } from "./intake.js";
import type { IntakeNotice } from "./service.js";

await serveThread(({ bus, store, post }) =>
  serveIntake(bus, store, (id) => post({ enqueue: id } satisfies IntakeNotice)),
);
