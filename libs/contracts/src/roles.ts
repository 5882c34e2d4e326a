/** The control-plane roles, each a process of its own (`node services/<role>/dist/main.js`), in start order. */
export const CONTROL_PLANE_ROLES = [
  "controller",
  "scheduler",
  "health-monitor",
  "autoscaler",
  "registry",
  "proxy",
] as const;

/** One of CONTROL_PLANE_ROLES. */
export type ControlPlaneRole = (typeof CONTROL_PLANE_ROLES)[number];
