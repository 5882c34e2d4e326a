// The NATS identities of the compose cluster (compose.yaml), written into DIR/nats-auth/ as `tug up` does: one per
// control-plane role (`<role>-1`), node-1 and node-2, and `cli`; passwords are kept across runs. Needs a build.
//   node scripts/lib/nats-auth.mjs DIR
import { CLI_IDENTITY, CONTROL_PLANE_ROLES, prepareNatsAuth } from "../../libs/cluster/dist/index.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/lib/nats-auth.mjs DIR");
prepareNatsAuth(dir, [
  ...CONTROL_PLANE_ROLES.map((role) => ({ user: `${role}-1`, role })),
  ...["node-1", "node-2"].map((n) => ({ user: n, role: "node", nodes: [n] })),
  { user: CLI_IDENTITY, role: "user" },
]);
