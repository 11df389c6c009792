import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { GuardedTarget, ResolvedAddress } from "./ssrf-guard.ts";

export interface PinnedRequest {
  target: GuardedTarget;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

/**
 * Sends one request to the addresses the SSRF guard checked, never to a fresh DNS answer: a name that
 * resolved to a public address for the check cannot rebind to 127.0.0.1 for the connection. The host
 * name still goes into the Host header and TLS (SNI and certificate check), so virtual hosts and HTTPS
 * work as usual. Resolves when the response headers arrive; the caller reads or discards the body.
 */
export function openPinnedRequest(request: PinnedRequest): Promise<IncomingMessage> {
  const { target } = request;
  const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  const username = decodeURIComponent(target.url.username);
  const password = decodeURIComponent(target.url.password);
  return new Promise((resolve, reject) => {
    const client = send(
      {
        protocol: target.url.protocol,
        hostname: target.hostname,
        port: target.port,
        path: `${target.url.pathname}${target.url.search}`,
        method: request.method,
        headers: request.headers,
        auth: username || password ? `${username}:${password}` : undefined,
        lookup: pinnedLookup(target.addresses),
        // No shared pool: a kept-alive socket must never carry one workspace's request to another's host.
        agent: false,
        signal: request.signal,
      },
      resolve,
    );
    client.on("error", reject);
    client.end(request.body);
  });
}

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    process.nextTick(() => {
      if (options.all) {
        callback(null, addresses.map((entry) => ({ address: entry.address, family: entry.family })));
        return;
      }
      const preferred = addresses.find((entry) => !options.family || entry.family === options.family) ?? addresses[0];
      if (!preferred) {
        callback(Object.assign(new Error("no address to connect to"), { code: "ENOTFOUND" }), "", 4);
        return;
      }
      callback(null, preferred.address, preferred.family);
    });
  };
}
