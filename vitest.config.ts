import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));

/**
 * Two suites: "fast" (unit, integration and fuzz tests, two files at a time) and "system" (whole clusters as child
 * processes and the compose end-to-end test, one file at a time so their timing is not starved on 2 cores).
 * `scripts/test` runs both; TUG_TEST_SUITE picks one (unset: everything, in parallel).
 */
const suites = {
  fast: [
    "libs/**/*.test.ts",
    "services/**/*.test.ts",
    "cli/**/*.test.ts",
    "test/fuzz/**/*.test.ts",
    "scripts/**/*.test.ts",
  ],
  system: ["test/system/**/*.test.ts", "test/e2e/**/*.test.ts"],
};
const suite = process.env.TUG_TEST_SUITE as keyof typeof suites | undefined;

export default defineConfig({
  resolve: {
    alias: Object.fromEntries(
      [
        "contracts",
        "state",
        "runtime",
        "bus",
        "log",
        "testkit",
        "drivers",
        "service",
        "cluster",
        "chaos",
        "client",
      ].map((n) => [`@tug/${n}`, lib(n)]),
    ),
  },
  test: {
    include: suite ? suites[suite] : [...suites.fast, ...suites.system],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: suite !== "system",
    maxWorkers: 2,
  },
});
