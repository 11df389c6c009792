import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** One entry of a workspace's allowed hosts, parsed. */
interface HostPattern {
  /** Lower-case host, without brackets or trailing dot; for wildcards, the suffix after "*.". */
  host: string;
  wildcard: boolean;
  /** null: any port. */
  port: number | null;
}

/**
 * The hosts a workspace trusts despite their private addresses: "localhost:11434", "10.0.0.5",
 * "[::1]:8080", "*.internal.example". Entries pasted as URLs ("http://localhost:11434/v1") are
 * read for their host and port, since that is what people copy from their model server's docs.
 */
export function createAllowedHosts(patterns: readonly string[]): (hostname: string, port: number) => boolean {
  const parsed = patterns.map(parseHostPattern).filter((pattern): pattern is HostPattern => pattern !== null);
  return (hostname, port) => {
    const host = normalizeHost(hostname);
    return parsed.some((pattern) => (pattern.port === null || pattern.port === port) && hostMatches(pattern, host));
  };
}

/** Lower-cases, drops IPv6 brackets and trailing dots, and writes IP addresses one canonical way. */
export function normalizeHost(hostname: string): string {
  let host = hostname.trim().toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (isIP(host) !== 0) {
    const address = ipaddr.parse(host);
    return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
  }
  return host;
}

function hostMatches(pattern: HostPattern, host: string): boolean {
  if (!pattern.wildcard) return pattern.host === host;
  return host.endsWith(`.${pattern.host}`);
}

function parseHostPattern(raw: string): HostPattern | null {
  let text = raw.trim().toLowerCase();
  if (text === "") return null;
  if (text.includes("://")) {
    try {
      const url = new URL(text);
      text = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    } catch {
      return null;
    }
  }
  let host = text;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? "";
    port = bracketed[2] === undefined ? null : Number(bracketed[2]);
  } else if (text.split(":").length === 2) {
    // Exactly one colon: host:port. More than one and no brackets: a bare IPv6 address.
    const [name, portText] = text.split(":");
    if (!portText || !/^\d+$/.test(portText)) return null;
    host = name ?? "";
    port = Number(portText);
  }
  if (port !== null && (port < 1 || port > 65_535)) return null;
  const wildcard = host.startsWith("*.");
  if (wildcard) host = host.slice(2);
  host = normalizeHost(host);
  if (host === "") return null;
  return { host, wildcard, port };
}
