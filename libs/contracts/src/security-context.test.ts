import { describe, expect, it } from "vitest";
import { manifestSchema, templateOf } from "./manifest.js";
import { validate } from "./validate.js";

const base = { name: "web", command: ["node", "x.js"] };
const parse = (extra: Record<string, unknown>) => validate(manifestSchema, { ...base, ...extra }, "manifest");

describe("host access and the security context", () => {
  it.each([
    ["volumes", [{ name: "root", hostPath: { path: "/" } }], /mounts are not allowed/],
    ["mounts", ["/var/run/docker.sock:/var/run/docker.sock"], /mounts are not allowed/],
    ["privileged", true, /privileged containers are not allowed/],
    ["capabilities", { add: ["SYS_ADMIN"] }, /capabilities are not allowed/],
    ["hostNetwork", true, /host network is not allowed/],
    ["networkMode", "host", /host network is not allowed/],
    ["hostPID", true, /process namespace is not allowed/],
    ["hostIPC", true, /IPC namespace is not allowed/],
  ])("refuses %s with a reason, naming the field", (field, value, why) => {
    expect(() => parse({ [field]: value })).toThrow(why);
    try {
      parse({ [field]: value });
    } catch (err) {
      expect(err).toMatchObject({ code: "VALIDATION_FAILED", field });
    }
  });

  it("accepts readOnlyRootFilesystem and carries it in the template only when true", () => {
    expect(templateOf(parse({ securityContext: { readOnlyRootFilesystem: true } })).readOnlyRootFilesystem).toBe(true);
    expect(templateOf(parse({ securityContext: { readOnlyRootFilesystem: false } }))).not.toHaveProperty(
      "readOnlyRootFilesystem",
    );
    expect(templateOf(parse({}))).not.toHaveProperty("readOnlyRootFilesystem");
  });

  it("refuses any other security setting", () => {
    expect(() => parse({ securityContext: { privileged: true } })).toThrow(/securityContext\.privileged/);
  });
});
