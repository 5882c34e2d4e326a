import { describe, expect, it } from "vitest";
import { fromKubernetes } from "./kubernetes.js";
import { manifestEnvOf, manifestSchema, type SealSecret, templateOf } from "./manifest.js";
import { validate } from "./validate.js";

const base = { name: "web", command: ["node", "x.js"] };
const parse = (env: unknown) => validate(manifestSchema, { ...base, env }, "manifest");
const seal: SealSecret = (name, v) => ("value" in v ? `sealed(${name}=${v.value.length})` : v.sealed);

describe("secret env values in a manifest", () => {
  it("keeps plain values in env and seals secret ones into secretEnv", () => {
    const m = parse({
      A: "1",
      B: { value: "2" },
      C: { value: "3", secret: false },
      PW: { value: "s3cret", secret: true },
    });
    expect(m.env.PW).toEqual({ value: "s3cret", secret: true });
    const t = templateOf(m, seal);
    expect(t.env).toEqual({ A: "1", B: "2", C: "3" });
    expect(t.secretEnv).toEqual({ PW: "sealed(PW=6)" });
    expect(JSON.stringify(t)).not.toContain("s3cret");
  });

  it("prints a template's secrets as sealed tokens that apply back to the same template", () => {
    const t = templateOf(parse({ A: "1", PW: { value: "s3cret", secret: true } }), seal);
    const env = manifestEnvOf(t);
    expect(env).toEqual({ A: "1", PW: { secret: true, sealed: "sealed(PW=6)" } });
    expect(templateOf(parse(env), seal)).toEqual(t);
    expect(() => parse({ PW: { sealed: "x", secret: false } })).toThrow(/secret: true/);
  });

  it("leaves secretEnv out of a template without secrets (older templates hash as before)", () => {
    expect(templateOf(parse({ A: "1" }))).not.toHaveProperty("secretEnv");
  });

  it("refuses to make a template with a secret when there is no key to seal it", () => {
    expect(() => templateOf(parse({ PW: { value: "x", secret: true } }))).toThrow(
      expect.objectContaining({ code: "SECRETS_UNAVAILABLE", field: "env.PW" }),
    );
  });

  it.each([
    ["no value", { secret: true }],
    ["a value that is not a string", { value: 42, secret: true }],
    ["a secret flag that is not a boolean", { value: "x", secret: "yes" }],
    ["a number", 7],
  ])("refuses %s with VALIDATION_FAILED on the variable, never echoing the value", (_what, v) => {
    let err: unknown;
    try {
      parse({ PW: v });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", field: "env.PW" });
    expect((err as Error).message).toMatch(/a string or \{ value: "\.\.\.", secret: true \}/);
    expect((err as Error).message).not.toMatch(/42|yes|\/etc/);
  });

  it("refuses an unknown key beside value and secret, naming it", () => {
    expect(() => parse({ PW: { value: "x", secret: true, mount: "/etc" } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: "env.PW.mount" }),
    );
  });

  it("reads Tugboat's { name, value, secret: true } in a Kubernetes container's env, and checks it the same way", () => {
    const k8s = (env: unknown[]) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [{ name: "web", image: "x:1", env }] } } },
    });
    const m = validate(manifestSchema, fromKubernetes(k8s([{ name: "PW", value: "s3cret", secret: true }])));
    expect(templateOf(m, seal).secretEnv).toEqual({ PW: "sealed(PW=6)" });
    expect(() => validate(manifestSchema, fromKubernetes(k8s([{ name: "PW", secret: true }])), "manifest")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: "env.PW" }),
    );
  });
});
