/** Service names as users write them: `web`, `web.prod`, or `web.prod.svc.tug.internal`. */
import { TugError } from "@tug/contracts";

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ZONE = ".svc.tug.internal";

/** A service's namespace and name. */
export interface ServiceName {
  namespace: string;
  name: string;
}

/** Parses `name[.namespace]` (namespace defaults to `defaultNamespace`); VALIDATION_FAILED on anything else. */
export function parseServiceName(text: string, defaultNamespace = "default"): ServiceName {
  const bare = text.toLowerCase().endsWith(ZONE) ? text.slice(0, -ZONE.length) : text;
  const parts = bare.split(".");
  const [name, namespace = defaultNamespace] = parts;
  if (
    parts.length > 2 ||
    !name ||
    name.length > 63 ||
    namespace.length > 63 ||
    !LABEL.test(name) ||
    !LABEL.test(namespace)
  ) {
    throw new TugError(
      "VALIDATION_FAILED",
      `not a service name: ${JSON.stringify(text)} (want name or name.namespace, DNS labels)`,
      "name",
    );
  }
  return { namespace, name };
}
