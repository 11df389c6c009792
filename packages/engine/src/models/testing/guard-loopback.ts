import net from "node:net";

/**
 * Test support: makes every TCP connection to a host other than this machine fail, and remembers it.
 * Tandem must work air-gapped; LangChain clients have been known to phone home (token counting
 * downloads BPE files), so model tests install this and assert that nothing tried.
 */
export interface LoopbackGuard {
  /** `host:port` of every refused connection attempt. */
  readonly violations: readonly string[];
  restore(): void;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3}|\[::1\])$/i;

export function guardLoopback(): LoopbackGuard {
  const violations: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as is, and called with the socket as `this`.
  const original = net.Socket.prototype.connect;
  // connect() has several overloads; only the destination matters here, read defensively.
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const destination = destinationOf(args);
    if (destination !== null && !LOOPBACK.test(destination.host)) {
      violations.push(`${destination.host}:${destination.port}`);
      throw new Error(`Test guard: a connection to ${destination.host}:${destination.port} would leave this machine.`);
    }
    return Reflect.apply(original, this, args) as net.Socket;
  };
  net.Socket.prototype.connect = guarded;
  return {
    violations,
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}

function destinationOf(args: unknown[]): { host: string; port: string } | null {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === "object" && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === "string") return null;
    return { host: typeof options.host === "string" ? options.host : "localhost", port: String(options.port) };
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    return { host: typeof args[1] === "string" ? args[1] : "localhost", port: String(first) };
  }
  return null;
}
