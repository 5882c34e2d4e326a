/**
 * The one place a test decides to skip for want of something on the machine (a Docker engine, docker-compose, free
 * ports, root). Outside CI it skips with a loud notice; under `CI=true` a skip is a failure, so a CI run on a machine
 * without Docker cannot pass with its Docker tests silently skipped.
 */

/** True under CI (`CI=true` or `CI=1`), where nothing may skip. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true" || env.CI === "1";
}

/**
 * Returns true when the caller should skip (`reason` is set, outside CI), after a loud notice; throws under CI
 * (the test file then fails at import with the reason); returns false when nothing is missing.
 */
export function shouldSkip(what: string, reason: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!reason) return false;
  if (inCI(env)) throw new Error(`CI=true: ${what} cannot run here and may not skip under CI: ${reason}`);
  console.warn(`\n${"!".repeat(78)}\n!! SKIPPING ${what}: ${reason}\n${"!".repeat(78)}\n`);
  return true;
}
