// The Redis users of the compose cluster (compose.yaml), written into DIR/redis-auth/ as `tug up` does (users.acl
// for redis-server, one <user>.pass per role, and sentinel-access.pass, the password compose.ha.yaml's Sentinels
// require); passwords are kept across runs, since a running Redis or Sentinel keeps the ones it loaded. Needs a build.
//   node scripts/lib/redis-auth.mjs DIR
import { writeRedisCredentials } from "../../libs/cluster/dist/index.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/lib/redis-auth.mjs DIR");
writeRedisCredentials(dir, "tug", { keep: true });
