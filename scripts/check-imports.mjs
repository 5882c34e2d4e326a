#!/usr/bin/env node
/**
 * Two import rules ESLint does not check here, over every TypeScript source of the workspaces (libs/*, services/*,
 * cli) and the root tests/benches:
 *  1. no phantom dependencies: a workspace's non-test code imports only node: builtins, its own files and packages
 *     its package.json lists in "dependencies"; its tests and test fixtures (*.fixture.ts, excluded from the build)
 *     may also use its devDependencies and the root's;
 *  2. no import cycles between files (type-only imports included: a cycle of types is still a tangle).
 * Prints every finding and exits 1 when there is one.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const builtins = new Set(builtinModules);
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every .ts file under `dir` (no dist, no node_modules). */
function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(spec) {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function importsOf(file) {
  const text = readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

const workspaces = (rootPkg.workspaces ?? [])
  .flatMap((w) =>
    w.endsWith("/*") ? readdirSync(join(root, w.slice(0, -2))).map((d) => join(w.slice(0, -2), d)) : [w],
  )
  .filter((w) => existsSync(join(root, w, "package.json")));
const findings = [];
const graph = new Map();
const isTest = (f) => /\.(test|spec|fixture)\.ts$|\/test\//.test(f);

for (const w of workspaces) {
  const pkg = JSON.parse(readFileSync(join(root, w, "package.json"), "utf8"));
  const own = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const dev = new Set([
    ...own,
    ...Object.keys(pkg.devDependencies ?? {}),
    ...Object.keys(rootPkg.devDependencies ?? {}),
  ]);
  for (const file of tsFiles(join(root, w))) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) continue;
      const name = packageOf(spec.replace(/^node:/, ""));
      if (spec.startsWith("node:") || builtins.has(name) || name === pkg.name) continue;
      if (!(isTest(file) ? dev : own).has(name))
        findings.push(
          `phantom dependency: ${relative(root, file)} imports ${spec}, which ${w}/package.json does not list`,
        );
    }
  }
}

const sources = [...workspaces.map((w) => join(root, w)), join(root, "test"), join(root, "bench")]
  .filter(existsSync)
  .flatMap(tsFiles);
for (const file of sources) {
  const deps = [];
  for (const spec of importsOf(file)) {
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    if (existsSync(target)) deps.push(target);
    else if (existsSync(join(target, "index.ts"))) deps.push(join(target, "index.ts"));
  }
  graph.set(file, deps);
}
// Tarjan's strongly connected components: any component of more than one file is a cycle
let index = 0;
const idx = new Map(),
  low = new Map(),
  stack = [],
  on = new Set();
function strong(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1)
      findings.push(
        `import cycle: ${comp
          .map((f) => relative(root, f))
          .sort()
          .join(" ↔ ")}`,
      );
  }
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

for (const f of findings) console.error(f);
console.log(`check-imports: ${workspaces.length} workspaces, ${graph.size} files, ${findings.length} finding(s)`);
process.exit(findings.length ? 1 : 0);
