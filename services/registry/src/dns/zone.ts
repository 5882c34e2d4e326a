/**
 * Which names Tugboat answers: `<name>.<ns>.svc.tug.internal` and the short `<name>.<ns>`, optionally with an
 * SRV-style `_<port>._tcp.` prefix. Everything else is outside the zone (REFUSED). A short name is only a candidate:
 * it is ours when such a service exists (else REFUSED, since `example.com` has the same shape); a long one is in the
 * zone either way (unknown: NXDOMAIN).
 */

export const ZONE = "svc.tug.internal";

export type NameMatch =
  | { kind: "service"; namespace: string; name: string; inZone: boolean }
  | { kind: "replica"; namespace: string; name: string; replica: string; inZone: true }
  | { kind: "outside" }
  | { kind: "zone"; apex: boolean };

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Classifies a lower-cased query name. */
export function matchName(qname: string): NameMatch {
  let labels = qname.split(".");
  const inZone = qname.endsWith(`.${ZONE}`);
  if (inZone) labels = labels.slice(0, -3);
  else if (qname === ZONE || ZONE.endsWith(`.${qname}`)) return { kind: "zone", apex: qname === ZONE };
  if (labels.length >= 2 && labels[0]!.startsWith("_") && labels[1]!.startsWith("_")) labels = labels.slice(2);
  if (labels.length === 2 && labels.every((l) => LABEL.test(l)))
    return { kind: "service", name: labels[0]!, namespace: labels[1]!, inZone };
  if (labels.length === 3 && labels.every((l) => LABEL.test(l)) && inZone) {
    return { kind: "replica", replica: labels[0]!, name: labels[1]!, namespace: labels[2]!, inZone };
  }
  return { kind: "outside" };
}
