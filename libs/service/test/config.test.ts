/** The common settings read from the environment: a malformed value is a startup error naming the variable. */
import { describe, expect, it } from "vitest";
import { intEnv, readConfig, waitForEnv } from "../src/config.js";

describe("readConfig", () => {
  it("waits for every replica the Sentinels know unless TUG_REDIS_WAIT_FOR says up", () => {
    expect(readConfig("controller", {}).redis.waitFor).toBe("every");
    expect(waitForEnv({ TUG_REDIS_WAIT_FOR: "up" })).toBe("up");
    expect(waitForEnv({ TUG_REDIS_WAIT_FOR: "every" })).toBe("every");
    expect(() => waitForEnv({ TUG_REDIS_WAIT_FOR: "some" })).toThrow(/TUG_REDIS_WAIT_FOR must be "every" or "up"/);
  });

  it("reads integers and names the variable of a malformed one", () => {
    expect(intEnv({ X: "12" }, "X", 3)).toBe(12);
    expect(intEnv({}, "X", 3)).toBe(3);
    expect(() => intEnv({ X: "twelve" }, "X", 3)).toThrow(/X must be a number/);
  });
});
