/**
 * A Sentinel of an `--ha` cluster, run by the supervisor from the spec `tug up --ha` uses, against the real
 * redis-server: its internal periods (SENTINEL DEBUG, no config-file setting) are set once it answers, and set again
 * after it was killed and restarted, through its password.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePorts,
  HA_EXTRA_PORTS,
  haAddresses,
  readSentinelAccess,
  SENTINEL_PERIODS_MS,
  Supervisor,
  writeRedisCredentials,
} from "@tug/cluster";
import { sentinelPeriods } from "@tug/state";
import { eventually } from "@tug/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { sentinelSpecs } from "../src/ha/specs.js";

const dir = mkdtempSync(join(tmpdir(), "tug-sentinel-periods-"));
const sup = new Supervisor({ restart: { baseMs: 50 } });
afterAll(async () => {
  await sup.stop();
  rmSync(dir, { recursive: true, force: true });
});

const periods = (port: number) => sentinelPeriods("127.0.0.1", port, readSentinelAccess(dir));

describe("the Sentinels' periods", () => {
  it("are set after the first start and after every restart", async () => {
    const [nats, redis, ...extra] = await freePorts(2 + HA_EXTRA_PORTS);
    const h = haAddresses(nats!, redis!, extra);
    const spec = sentinelSpecs(dir, h, writeRedisCredentials(dir, "tug"))[0]!;
    const port = h.sentinelPorts[0]!;
    const first = sup.spawn(spec).pid;
    await eventually(async () => expect(await periods(port)).toMatchObject(SENTINEL_PERIODS_MS), { timeoutMs: 15_000 });

    sup.kill(spec.name, "SIGKILL");
    await eventually(() => expect(sup.get(spec.name).pid ?? first).not.toBe(first), { timeoutMs: 15_000 });
    await eventually(async () => expect(await periods(port)).toMatchObject(SENTINEL_PERIODS_MS), { timeoutMs: 15_000 });
  });
});
