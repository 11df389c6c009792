import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/**
 * Addresses refused even when the workspace allows the host: the cloud metadata services hand out
 * credentials to anyone who asks, and no workflow has a reason to call them.
 */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

/** IPv4 ranges (ipaddr.js names) that reach the server's own machine or network, with how we call them. */
const BLOCKED_IPV4: Partial<Record<ReturnType<IPv4["range"]>, string>> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private network",
  reserved: "reserved",
};

/** IPv6 ranges a request may go to; everything else (loopback, unique local, link-local, ...) is refused. */
const ALLOWED_IPV6 = new Set(["unicast", "as112v6", "amt"]);

const IPV6_LABELS: Record<string, string> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "private network",
  deprecatedSiteLocal: "private network",
};

/** Whether the address is a cloud metadata service address, refused whatever the allowed hosts say. */
export function isMetadataAddress(address: string): boolean {
  const parsed = parseAddress(address);
  return parsed !== null && METADATA_ADDRESSES.has(canonical(parsed));
}

/**
 * Why a request to `address` is refused ("loopback", "private network", ...), or null when it is a
 * public address. Unparseable input is refused: the guard only ever connects to what it understood.
 */
export function blockedAddressReason(address: string): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return "not an IP address";
  if (METADATA_ADDRESSES.has(canonical(parsed))) return "cloud metadata service";
  return parsed.kind() === "ipv4" ? ipv4Reason(parsed as IPv4) : ipv6Reason(parsed as IPv6);
}

function parseAddress(address: string): IPv4 | IPv6 | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  // Strict: only the forms the socket layer itself reads as an address, never "127.1" or "0x7f.1".
  if (isIP(bare) === 0) return null;
  // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) into the IPv4 address it reaches.
  return ipaddr.process(bare);
}

function canonical(address: IPv4 | IPv6): string {
  return address.kind() === "ipv4" ? address.toString() : (address as IPv6).toRFC5952String();
}

function ipv4Reason(address: IPv4): string | null {
  return BLOCKED_IPV4[address.range()] ?? null;
}

function ipv6Reason(address: IPv6): string | null {
  const parts = address.parts;
  const range = address.range();
  // Addresses that carry an IPv4 address a translator or tunnel would deliver to: judge that address.
  const embedded = embeddedIpv4(address, range);
  if (embedded) {
    const reason = ipv4Reason(embedded);
    return reason ? `${reason}, via ${embedded.toString()}` : null;
  }
  if (range === "teredo" || range === "rfc6052") return "reserved";
  // ::a.b.c.d (IPv4-compatible, deprecated) and the rest of ::/96 are not routable destinations.
  if (parts.slice(0, 6).every((part) => part === 0)) return IPV6_LABELS[range] ?? "reserved";
  if (!ALLOWED_IPV6.has(range)) return IPV6_LABELS[range] ?? "reserved";
  // Only 2000::/3 is assigned as global unicast; the rest of what ipaddr.js calls unicast is unassigned.
  const first = parts[0] ?? 0;
  if (first < 0x2000 || first > 0x3fff) return "reserved";
  return null;
}

function embeddedIpv4(address: IPv6, range: string): IPv4 | null {
  const parts = address.parts;
  const fromParts = (high: number | undefined, low: number | undefined): IPv4 =>
    new ipaddr.IPv4([((high ?? 0) >> 8) & 0xff, (high ?? 0) & 0xff, ((low ?? 0) >> 8) & 0xff, (low ?? 0) & 0xff]);
  if (range === "ipv4Mapped" || range === "rfc6145") return fromParts(parts[6], parts[7]);
  // 64:ff9b::/96, the well-known NAT64 prefix, carries the IPv4 address in its last 32 bits.
  if (range === "rfc6052" && parts[2] === 0 && parts[3] === 0 && parts[4] === 0 && parts[5] === 0) return fromParts(parts[6], parts[7]);
  // 2002:AABB:CCDD::/48 is a 6to4 tunnel to AA.BB.CC.DD.
  if (range === "6to4") return fromParts(parts[1], parts[2]);
  return null;
}
