import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "@tug/runtime";
import { natsTlsBlock, serverExtensions } from "./tls.js";

describe("tls", () => {
  it("tells loopback addresses from the rest", () => {
    for (const h of ["127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "LOCALHOST"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["10.0.0.1", "0.0.0.0", "::", "192.168.1.1", "tug.example", "128.0.0.1", ""])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it("names every address (IP or DNS) once in a server certificate, usable by servers and routes", () => {
    const ext = serverExtensions(["10.1.0.1", "127.0.0.1", "cp.example"]);
    expect(ext).toContain("subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,IP:10.1.0.1,DNS:cp.example\n");
    expect(ext).toContain("extendedKeyUsage=serverAuth,clientAuth");
    expect(ext).toContain("basicConstraints=critical,CA:FALSE");
  });

  it("gives nats-server a block with a generous handshake timeout; routes verify their peer", () => {
    const t = { caFile: "/d/ca.pem", ca: "", certFile: "/d/s.pem", keyFile: "/d/s.key" };
    expect(natsTlsBlock(t)).toEqual({ cert_file: "/d/s.pem", key_file: "/d/s.key", timeout: 5 });
    expect(natsTlsBlock(t, { routes: true })).toMatchObject({ ca_file: "/d/ca.pem", verify: true });
  });
});
