import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { createAllowedHosts, normalizeHost } from "./allowed-hosts.ts";
import { blockedAddressReason, isMetadataAddress } from "./blocked-address-reason.ts";
import { OutboundHttpError } from "./outbound-http-error.ts";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into the addresses it points at. The default is `dns.lookup(host, { all: true })`. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A URL the guard let through, with the addresses the request must connect to (and no others). */
export interface GuardedTarget {
  url: URL;
  /** Host name without IPv6 brackets, as given to TLS (SNI) and the Host header. */
  hostname: string;
  port: number;
  addresses: ResolvedAddress[];
}

export interface SsrfGuardOptions {
  /** Hosts or host:port patterns the workspace trusts even on private addresses ("localhost:11434", "*.internal.example"). */
  allowedHosts?: readonly string[];
  resolve?: HostResolver;
}

export interface SsrfGuard {
  /** Refuses URLs the server must not reach; resolves the host once, so the caller connects to exactly what was checked. */
  check(url: string | URL): Promise<GuardedTarget>;
}

/** Names of cloud metadata services, refused even when allowed: they hand out the machine's credentials. */
const METADATA_HOSTNAMES = new Set(["metadata", "metadata.google.internal", "metadata.goog"]);

const defaultResolve: HostResolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/**
 * The address policy of outbound requests: http(s) only; no loopback, private, link-local,
 * carrier-grade NAT, multicast or reserved addresses (IPv4-mapped IPv6 included) unless the workspace
 * allows the host; never the cloud metadata service. Every resolved address must pass, so a name
 * that resolves to one public and one private address is refused.
 */
export function createSsrfGuard(options: SsrfGuardOptions = {}): SsrfGuard {
  const isAllowed = createAllowedHosts(options.allowedHosts ?? []);
  const resolve = options.resolve ?? defaultResolve;

  return {
    async check(input) {
      const url = parseOutboundUrl(input);
      const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
      const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
      const display = `${url.hostname}:${port}`;
      if (METADATA_HOSTNAMES.has(normalizeHost(hostname))) {
        throw new OutboundHttpError(
          "ssrf_blocked",
          `Requests to ${url.hostname} are always blocked: it is the cloud metadata service, which hands out the server's credentials.`,
        );
      }
      const allowed = isAllowed(hostname, port);
      const addresses = await resolveHost(hostname, resolve);
      for (const { address } of addresses) {
        const via = isIP(hostname) !== 0 ? "" : ` (resolves to ${address})`;
        if (isMetadataAddress(address)) {
          throw new OutboundHttpError(
            "ssrf_blocked",
            `Requests to ${url.hostname}${via} are always blocked: it is the cloud metadata service, which hands out the server's credentials.`,
          );
        }
        if (allowed) continue;
        const reason = blockedAddressReason(address);
        if (reason !== null) {
          const subject = via ? `${url.hostname} (resolves to ${address}, ${reason})` : `${url.hostname} (${reason})`;
          throw new OutboundHttpError(
            "ssrf_blocked",
            `Requests to ${subject} are blocked. If this is a local model server or service you trust, add "${display}" to the workspace's allowed hosts.`,
          );
        }
      }
      return { url, hostname, port, addresses };
    },
  };
}

/** Parses a URL and refuses anything but http(s) with a host. */
export function parseOutboundUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new OutboundHttpError("invalid_url", `"${String(input).slice(0, 200)}" is not a valid URL. Write a full address like https://api.example.com/path.`, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundHttpError("invalid_url", `Only http:// and https:// URLs can be requested, not "${url.protocol}". Write a full address like https://api.example.com/path.`);
  }
  if (url.hostname === "") {
    throw new OutboundHttpError("invalid_url", `The URL "${url.href.slice(0, 200)}" has no host. Write a full address like https://api.example.com/path.`);
  }
  return url;
}

async function resolveHost(hostname: string, resolve: HostResolver): Promise<ResolvedAddress[]> {
  // An address literal is used as is: no lookup, so nothing leaves the machine before the check.
  const family = isIP(hostname);
  if (family === 4 || family === 6) return [{ address: hostname, family }];
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new OutboundHttpError("network", `The host ${hostname} could not be resolved${typeof code === "string" ? ` (${code})` : ""}. Check the spelling of the URL.`, {
      cause: error,
    });
  }
  if (addresses.length === 0) {
    throw new OutboundHttpError("network", `The host ${hostname} resolves to no address. Check the spelling of the URL.`);
  }
  return addresses;
}
