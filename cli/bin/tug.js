#!/usr/bin/env node
/**
 * The `tug` bin as npm links it (node_modules/.bin/tug). It is committed, not built, so `npm ci` on a fresh clone
 * finds it and links it before the first build; it runs the built CLI, or says how to build it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("tug: the CLI is not built yet (cli/dist/main.js is missing); run `npm run build`\n");
  process.exit(1);
}
await import(main.href);
