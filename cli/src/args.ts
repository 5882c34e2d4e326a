/** Validators for command-line arguments (commander argParsers throw InvalidArgumentError → exit 2). */
import { InvalidArgumentError } from "commander";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An argParser accepting integers in [min, max]. */
export function intArg(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
}

/** An argParser accepting a DNS label (deployment names and namespaces). */
export function labelArg(v: string): string {
  if (v.length > 63 || !DNS_LABEL.test(v))
    throw new InvalidArgumentError(`must be a DNS label (lowercase letters, digits and '-'), got ${JSON.stringify(v)}`);
  return v;
}

/** Splits `name[.namespace]` (as `tug resolve` takes it); the namespace defaults to `default`. */
export function serviceName(v: string): { name: string; namespace: string } {
  const [name, namespace = "default", ...rest] = v.replace(/\.svc\.tug\.internal\.?$/, "").split(".");
  if (rest.length) throw new InvalidArgumentError(`must be NAME or NAME.NAMESPACE, got ${JSON.stringify(v)}`);
  return { name: labelArg(name!), namespace: labelArg(namespace) };
}

/** An argParser for the object kind of `delete`/`scale`/`describe`: only deployments. */
export function kindArg(v: string): string {
  if (!["deployment", "deployments", "deploy"].includes(v))
    throw new InvalidArgumentError(`unknown kind ${JSON.stringify(v)}; use deployment`);
  return "deployment";
}

/** An argParser for node ids (`[A-Za-z0-9_-]`, ≤ 128, as workers register them). */
export function nodeArg(v: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(v))
    throw new InvalidArgumentError(`must be a node id ([A-Za-z0-9_-], up to 128), got ${JSON.stringify(v)}`);
  return v;
}
