import { randomBytes } from "node:crypto";
import type { Template } from "@tug/contracts";
import { describe, expect, it } from "vitest";
import { openTemplate, parseSecretKeys, SecretBox } from "./secret-box.js";

const key = () => randomBytes(32).toString("base64");
const template = (t: Partial<Template> = {}): Template => ({
  env: { A: "1" },
  ports: [],
  resources: { cpuMillis: 0, memoryBytes: 0 },
  nodeSelector: {},
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 10,
  ...t,
});

describe("SecretBox", () => {
  const k1 = key();
  const box = new SecretBox([k1]);

  it("seals so the value is not in the token, and opens it again", () => {
    const token = box.seal("PW", "s3cret-value");
    expect(token).toMatch(/^tugsec1\.[0-9a-f]{8}\./);
    expect(token).not.toContain("s3cret");
    expect(Buffer.from(token.split(".").slice(2).join(""), "base64url").toString("latin1")).not.toContain("s3cret");
    expect(box.open("PW", token)).toBe("s3cret-value");
  });

  it("gives the same token for the same name and value and another for another value or name", () => {
    expect(box.seal("PW", "a")).toBe(box.seal("PW", "a"));
    expect(box.seal("PW", "a")).not.toBe(box.seal("PW", "b"));
    expect(box.seal("PW", "a")).not.toBe(box.seal("PW2", "a"));
    expect(new SecretBox([key()]).seal("PW", "a")).not.toBe(box.seal("PW", "a"));
  });

  it("refuses a token moved to another name, altered, or sealed with a key it does not hold", () => {
    const token = box.seal("PW", "s3cret");
    expect(() => box.open("OTHER", token)).toThrow(expect.objectContaining({ code: "SECRETS_UNAVAILABLE" }));
    const parts = token.split(".");
    parts[3] = Buffer.from("x".repeat(6)).toString("base64url");
    expect(() => box.open("PW", parts.join("."))).toThrow(/does not open/);
    expect(() => new SecretBox([key()]).open("PW", token)).toThrow(/a key this process does not hold/);
    expect(() => box.open("PW", "plain")).toThrow(/not a sealed secret/);
  });

  it("after a rotation seals with the new key and still opens tokens of the old one", () => {
    const old = box.seal("PW", "s3cret");
    const rotated = new SecretBox(parseSecretKeys(`# rotated\n${key()}\n${k1}\n`));
    expect(rotated.open("PW", old)).toBe("s3cret");
    const fresh = rotated.seal("PW", "s3cret");
    expect(fresh).not.toBe(old);
    expect(rotated.open("PW", fresh)).toBe("s3cret");
    expect(() => box.open("PW", fresh)).toThrow(/does not hold/);
  });

  it("refuses a malformed key ring without showing it", () => {
    expect(() => new SecretBox([])).toThrow(/at least one key/);
    expect(() => new SecretBox(["c2hvcnQ="])).toThrow(/key 1 is not 32 bytes/);
    expect(parseSecretKeys("a, b\n\n# c\n")).toEqual(["a", "b"]);
  });
});

describe("openTemplate", () => {
  const box = new SecretBox([key()]);

  it("merges opened secrets into env and drops secretEnv", () => {
    const t = openTemplate(template({ secretEnv: { PW: box.seal("PW", "s3cret") } }), box);
    expect(t.env).toEqual({ A: "1", PW: "s3cret" });
    expect(t).not.toHaveProperty("secretEnv");
  });

  it("returns a template without secrets as it is, and refuses one with secrets but no key", () => {
    const plain = template();
    expect(openTemplate(plain, undefined)).toBe(plain);
    expect(() => openTemplate(template({ secretEnv: { PW: box.seal("PW", "x") } }), undefined)).toThrow(
      expect.objectContaining({ code: "SECRETS_UNAVAILABLE" }),
    );
  });
});
