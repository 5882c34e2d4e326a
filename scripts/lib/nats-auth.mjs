// The NATS identities of the compose cluster, written into DIR/nats-auth/ as `tug up` does; passwords are kept across
// runs. Needs a build.
//   node scripts/lib/nats-auth.mjs DIR          compose.yaml: one per control-plane role (`<role>-1`), node-1 and
//                                               node-2, and `cli`
//   node scripts/lib/nats-auth.mjs DIR --ha     compose.ha.yaml: two per role (`<role>-1`, `<role>-2`), the same nodes
//                                               and `cli`, plus nats-1.conf … nats-3.conf: each server's route
//                                               listener and routes with the route user's password (kept in
//                                               route.pass), so no server accepts a route without it, and
//                                               `include auth.conf` (as `tug up --ha` writes them)
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_IDENTITY, CONTROL_PLANE_ROLES, natsAuthDir, prepareNatsAuth } from "../../libs/cluster/dist/index.js";

const [dir, flag] = process.argv.slice(2);
if (!dir || (flag !== undefined && flag !== "--ha"))
  throw new Error("usage: node scripts/lib/nats-auth.mjs DIR [--ha]");
const ha = flag === "--ha";
const instances = ha ? [1, 2] : [1];
prepareNatsAuth(dir, [
  ...CONTROL_PLANE_ROLES.flatMap((role) => instances.map((k) => ({ user: `${role}-${k}`, role }))),
  ...["node-1", "node-2"].map((n) => ({ user: n, role: "node", nodes: [n] })),
  { user: CLI_IDENTITY, role: "user" },
]);

/** Writes `content` to `path` with mode 0600, through a temp file and a rename. */
function writeSecret(path, content) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

if (ha) {
  // compose.ha.yaml's servers: client port 4222+i, route port 6222+i, all on 127.0.0.1 (host networking)
  const routePorts = [6222, 6223, 6224];
  const passFile = join(natsAuthDir(dir), "route.pass");
  let password = "";
  try {
    password = readFileSync(passFile, "utf8").trim();
  } catch {
    // none yet
  }
  if (!password) {
    password = randomBytes(24).toString("base64url");
    writeSecret(passFile, `${password}\n`);
  }
  const route = { user: "route", password };
  routePorts.forEach((port, i) => {
    const routes = routePorts.flatMap((p, j) => (j === i ? [] : [`nats://route:${password}@127.0.0.1:${p}`]));
    const cluster = { name: "tug", listen: `127.0.0.1:${port}`, authorization: route, routes };
    writeSecret(
      join(natsAuthDir(dir), `nats-${i + 1}.conf`),
      `# Written by scripts/lib/nats-auth.mjs --ha; edits are overwritten.\n` +
        `cluster: ${JSON.stringify(cluster, null, 1)}\ninclude auth.conf\n`,
    );
  });
}
