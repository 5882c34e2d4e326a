/** Intake requests over NATS with retries on retryable errors, bounded by a deadline. */
import type { Bus } from "@tug/bus";
import { type DesiredVerb, type OkReply, subjects, toTugError, TugError } from "@tug/contracts";
import { sleep } from "@tug/runtime";

/** Outcome of one intake call: acknowledged, refused for sure, or unknown (never answered). */
export type IntakeOutcome =
  | { kind: "ack"; reply: OkReply; attempts: number }
  | { kind: "refused"; error: TugError; attempts: number }
  | { kind: "unknown"; error: TugError; attempts: number };

/** Sends `body` to `desired.<verb>`, retrying retryable errors every 250 ms until `deadlineMs` has passed. */
export async function intakeWithRetry(
  bus: Bus,
  verb: DesiredVerb,
  body: unknown,
  deadlineMs = 30_000,
  signal?: AbortSignal,
): Promise<IntakeOutcome> {
  const deadline = Date.now() + deadlineMs;
  let attempts = 0;
  let ambiguous = false;
  for (;;) {
    attempts++;
    try {
      const reply = await bus.request<OkReply>(subjects.desired(verb), `desired.${verb}`, body, 3_000);
      return { kind: "ack", reply, attempts };
    } catch (err) {
      const e = toTugError(err);
      // Only a definite answer from a controller proves nothing was written; anything else may have been.
      if (!(e.code === "BUS_UNAVAILABLE" && /no responders/i.test(e.message))) ambiguous = true;
      if (!e.retryable)
        return { kind: ambiguous && e.code !== "VALIDATION_FAILED" ? "unknown" : "refused", error: e, attempts };
      if (Date.now() > deadline || signal?.aborted) return { kind: "unknown", error: e, attempts };
      await sleep(250, signal);
    }
  }
}
