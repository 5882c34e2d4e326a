// Command-line options for the benches: `--name N` whole numbers, each with a default and an allowed range.
import { parseArgs } from "node:util";

/**
 * Parses the `--name N` options `spec` lists as `{ name: [default, min, max] }` and returns `{ name: N }`; a value
 * that is not a whole number in its range ends the process with exit code 2 and a message saying which.
 */
export function intOptions(spec) {
  const options = Object.fromEntries(
    Object.entries(spec).map(([k, [d]]) => [k, { type: "string", default: String(d) }]),
  );
  const { values } = parseArgs({ options });
  const out = {};
  for (const [name, [, min, max]] of Object.entries(spec)) {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be an integer in ${min}..${max}, got ${values[name]}`);
      process.exit(2);
    }
    out[name] = n;
  }
  return out;
}
