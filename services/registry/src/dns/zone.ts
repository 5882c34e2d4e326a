/**
 * Which names Tugboat answers: `<name>.<ns>.svc.tug.internal` and the short `<name>.<ns>`, optionally with an
 * SRV-style `_<port>._tcp.` prefix. Everything else is outside the zone (REFUSED).
 */

export const ZONE = "svc.tug.internal";

export type NameMatch =
  | { kind: "service"; namespace: string; name: string }
  | { kind: "replica"; namespace: string; name: string; replica: string }
  | { kind: "outside" }
  | { kind: "zone" };

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Classifies a lower-cased query name. */
export function matchName(qname: string): NameMatch {
  let labels = qname.split(".");
  if (qname.endsWith(`.${ZONE}`)) labels = labels.slice(0, -3);
  else if (qname === ZONE || ZONE.endsWith(`.${qname}`)) return { kind: "zone" };
  if (labels.length >= 2 && labels[0]!.startsWith("_") && labels[1]!.startsWith("_")) labels = labels.slice(2);
  if (labels.length === 2 && labels.every((l) => LABEL.test(l))) return { kind: "service", name: labels[0]!, namespace: labels[1]! };
  if (labels.length === 3 && labels.every((l) => LABEL.test(l)) && qname.endsWith(ZONE)) return { kind: "replica", replica: labels[0]!, name: labels[1]!, namespace: labels[2]! };
  return { kind: "outside" };
}
