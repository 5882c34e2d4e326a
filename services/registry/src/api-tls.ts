/**
 * Whether the API serves TLS: with a certificate and key given (`TUG_API_TLS_CERT`, `TUG_API_TLS_KEY`, PEM files,
 * as `tug up --api-host` writes them or the operator's own), and always when it binds an address other machines can
 * reach: a non-loopback `TUG_API_HOST` without them is a startup error, never plain HTTP (docs/security.md, "TLS").
 */
import { readFileSync } from "node:fs";
import { isLoopbackHost } from "@tug/runtime";

/** The PEM files of the API's certificate. */
export interface ApiTlsFiles {
  certFile: string;
  keyFile: string;
}

/** The TLS files for an API on `host`, or undefined for plain HTTP on loopback; throws naming the setting. */
export function apiTlsOf(host: string, certFile?: string, keyFile?: string): ApiTlsFiles | undefined {
  if (!certFile !== !keyFile)
    throw new Error("TUG_API_TLS_CERT and TUG_API_TLS_KEY go together: give both files or neither");
  if (certFile && keyFile) return { certFile, keyFile };
  if (isLoopbackHost(host)) return undefined;
  throw new Error(
    `TUG_API_HOST ${host} is reachable from other machines: the API serves it over TLS only ` +
      "(give TUG_API_TLS_CERT and TUG_API_TLS_KEY, or bind 127.0.0.1)",
  );
}

/** Reads the files (a startup error names the one that cannot be read). */
export function readApiTls(f: ApiTlsFiles): { cert: string; key: string } {
  const read = (file: string, setting: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`${setting}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return { cert: read(f.certFile, "TUG_API_TLS_CERT"), key: read(f.keyFile, "TUG_API_TLS_KEY") };
}
