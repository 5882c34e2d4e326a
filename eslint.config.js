/**
 * ESLint (flat config): the recommended JavaScript and typescript-eslint rules over every source, test, bench and
 * script; formatting is Prettier's (`make lint` runs both, and scripts/check-imports.mjs for phantom dependencies and
 * import cycles).
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeGlobals = Object.fromEntries(
  [
    "process",
    "console",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "Buffer",
    "URL",
    "URLSearchParams",
    "AbortController",
    "AbortSignal",
    "fetch",
    "performance",
    "NodeJS",
    "structuredClone",
    "queueMicrotask",
    "TextEncoder",
    "TextDecoder",
    "Response",
    "Request",
    "Headers",
    "EventSource",
    "document",
    "window",
    "location",
    "navigator",
    "HTMLElement",
    "customElements",
  ].map((g) => [g, "readonly"]),
);

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.d.ts", "**/public/**", ".tug/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: nodeGlobals },
    rules: {
      // `_name` marks a value kept on purpose (a destructured field left out, a required parameter)
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
);
