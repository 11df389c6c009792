import { describe, expect, it } from "vitest";
import { createAllowedHosts } from "./allowed-hosts.ts";
import { blockedAddressReason } from "./blocked-address-reason.ts";
import { isOutboundHttpError } from "./outbound-http-error.ts";
import { createSsrfGuard, type HostResolver } from "./ssrf-guard.ts";

// Everything here is decided from addresses alone: no test in this file opens a socket or asks DNS.

describe("blockedAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.10.20.30", "loopback"],
    ["10.1.2.3", "private network"],
    ["172.16.0.1", "private network"],
    ["172.31.255.254", "private network"],
    ["192.168.1.1", "private network"],
    ["169.254.169.254", "cloud metadata service"],
    ["169.254.10.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "private network"],
    ["fd12:3456::1", "private network"],
    ["fd00:ec2::254", "cloud metadata service"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private network"],
    ["::ffff:169.254.169.254", "cloud metadata service"],
    ["64:ff9b::a00:1", "private network, via 10.0.0.1"],
    ["2002:7f00:1::", "loopback, via 127.0.0.1"],
    ["2001:db8::1", "reserved"],
    ["100::1", "reserved"],
    ["127.1", "not an IP address"],
    ["example.com", "not an IP address"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "93.184.216.34", "2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "lets the public address %s through",
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );
});

describe("createAllowedHosts", () => {
  const isAllowed = createAllowedHosts(["localhost:11434", "*.internal.example", "10.0.0.5", "[::1]:8080", "http://Model-Server:9000/v1", "bad:port:x", ""]);

  it("matches host:port exactly and bare hosts on any port", () => {
    expect(isAllowed("localhost", 11434)).toBe(true);
    expect(isAllowed("localhost", 11435)).toBe(false);
    expect(isAllowed("10.0.0.5", 443)).toBe(true);
    expect(isAllowed("10.0.0.6", 443)).toBe(false);
  });

  it("matches subdomains of a wildcard but not the bare domain", () => {
    expect(isAllowed("api.internal.example", 443)).toBe(true);
    expect(isAllowed("a.b.internal.example", 80)).toBe(true);
    expect(isAllowed("internal.example", 80)).toBe(false);
    expect(isAllowed("evilinternal.example", 80)).toBe(false);
  });

  it("reads IPv6 patterns, pasted URLs, case and trailing dots", () => {
    expect(isAllowed("::1", 8080)).toBe(true);
    expect(isAllowed("0:0:0:0:0:0:0:1", 8080)).toBe(true);
    expect(isAllowed("model-server", 9000)).toBe(true);
    expect(isAllowed("LOCALHOST.", 11434)).toBe(true);
  });
});

describe("createSsrfGuard", () => {
  const resolver = (table: Record<string, string[]>): HostResolver & { calls: string[] } => {
    const calls: string[] = [];
    const resolve = async (hostname: string) => {
      calls.push(hostname);
      const found = table[hostname];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      return found.map((address) => ({ address, family: address.includes(":") ? (6 as const) : (4 as const) }));
    };
    return Object.assign(resolve, { calls });
  };

  async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    const error: unknown = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    if (!isOutboundHttpError(error)) throw new Error(`expected an OutboundHttpError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }

  it("refuses a name when any of its addresses is private", async () => {
    const guard = createSsrfGuard({ resolve: resolver({ "mixed.example": ["93.184.216.34", "10.0.0.7"] }) });
    const { code, message } = await refusal(guard.check("https://mixed.example/data"));
    expect(code).toBe("ssrf_blocked");
    expect(message).toContain("mixed.example (resolves to 10.0.0.7, private network)");
    expect(message).toContain('add "mixed.example:443" to the workspace\'s allowed hosts');
  });

  it("returns the checked addresses for public names, to connect to exactly those", async () => {
    const guard = createSsrfGuard({ resolve: resolver({ "api.example": ["93.184.216.34"] }) });
    const target = await guard.check("https://api.example/v1?q=1");
    expect(target).toMatchObject({ hostname: "api.example", port: 443, addresses: [{ address: "93.184.216.34", family: 4 }] });
  });

  it("does not resolve address literals", async () => {
    const resolve = resolver({});
    const guard = createSsrfGuard({ resolve });
    expect((await refusal(guard.check("http://10.0.0.1/"))).message).toBe(
      'Requests to 10.0.0.1 (private network) are blocked. If this is a local model server or service you trust, add "10.0.0.1:80" to the workspace\'s allowed hosts.',
    );
    expect((await refusal(guard.check("http://[::1]:8080/"))).message).toContain('add "[::1]:8080"');
    expect((await refusal(guard.check("http://2130706433/"))).message).toContain("127.0.0.1 (loopback)");
    expect(resolve.calls).toEqual([]);
  });

  it("allows private addresses of allowed hosts, on the allowed port only", async () => {
    const guard = createSsrfGuard({ allowedHosts: ["ollama.lan:11434"], resolve: resolver({ "ollama.lan": ["192.168.1.20"] }) });
    await expect(guard.check("http://ollama.lan:11434/api/tags")).resolves.toMatchObject({ addresses: [{ address: "192.168.1.20" }] });
    expect((await refusal(guard.check("http://ollama.lan:22/"))).code).toBe("ssrf_blocked");
  });

  it("always refuses the metadata service, allowed or not", async () => {
    const resolve = resolver({ "sneaky.internal": ["169.254.169.254"] });
    const guard = createSsrfGuard({ allowedHosts: ["metadata.google.internal", "*.internal", "169.254.169.254"], resolve });
    for (const url of ["http://metadata.google.internal/computeMetadata/v1/", "http://metadata/", "http://METADATA.google.internal./", "http://169.254.169.254/latest/meta-data/", "http://sneaky.internal/"]) {
      const { code, message } = await refusal(guard.check(url));
      expect(code).toBe("ssrf_blocked");
      expect(message).toContain("always blocked");
    }
    expect(resolve.calls).toEqual(["sneaky.internal"]);
  });

  it("refuses other schemes and malformed URLs as invalid_url", async () => {
    const guard = createSsrfGuard({ resolve: resolver({}) });
    expect(await refusal(guard.check("file:///etc/passwd"))).toMatchObject({ code: "invalid_url", message: expect.stringContaining('not "file:"') as unknown });
    expect((await refusal(guard.check("gopher://127.0.0.1:25/"))).code).toBe("invalid_url");
    expect((await refusal(guard.check("not a url"))).code).toBe("invalid_url");
  });

  it("reports names that do not resolve as network errors", async () => {
    const guard = createSsrfGuard({ resolve: resolver({}) });
    expect(await refusal(guard.check("https://nowhere.example/"))).toMatchObject({ code: "network", message: expect.stringContaining("ENOTFOUND") as unknown });
  });
});
