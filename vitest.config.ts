import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: Object.fromEntries(["contracts", "state", "runtime", "bus", "log", "testkit", "drivers", "service", "cluster", "chaos", "client"].map((n) => [`@tug/${n}`, lib(n)])),
  },
  test: {
    include: ["libs/**/*.test.ts", "services/**/*.test.ts", "cli/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
