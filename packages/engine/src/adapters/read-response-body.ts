import type { IncomingMessage } from "node:http";
import { pipeline, type Readable } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { OutboundHttpError } from "./outbound-http-error.ts";

export interface ReadBodyOptions {
  maxBytes: number;
  /** HEAD answers and 204/304 carry no body even when they declare an encoding. */
  method: string;
  signal: AbortSignal;
}

/**
 * Reads a response body up to `maxBytes`, decompressing gzip, deflate and br the way fetch does.
 * The limit applies after decompression, so a small compressed bomb cannot fill the worker's memory.
 */
export async function readResponseBody(response: IncomingMessage, options: ReadBodyOptions): Promise<Uint8Array> {
  const status = response.statusCode ?? 0;
  if (options.method === "HEAD" || status === 204 || status === 304) {
    response.resume();
    return new Uint8Array(0);
  }
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const declared = Number(response.headers["content-length"]);
  if ((encoding === "identity" || encoding === "") && Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    throw tooLarge(options.maxBytes);
  }
  const source = decode(response, encoding);
  const onAbort = (): void => {
    source.destroy(options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted"));
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    options.signal.throwIfAborted();
    const chunks: Buffer[] = [];
    let total = 0;
    // A byte stream without setEncoding yields Buffers; Readable only types its chunks as any.
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > options.maxBytes) {
        source.destroy();
        response.destroy();
        throw tooLarge(options.maxBytes);
      }
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks, total));
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}

function decode(response: IncomingMessage, encoding: string): Readable {
  // Truncated compressed streams are common behind proxies; fetch (undici) accepts them, so do we.
  const flush = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip(flush)
      : encoding === "deflate"
        ? createInflate(flush)
        : encoding === "br"
          ? createBrotliDecompress({ flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH })
          : null;
  if (!decoder) return response;
  // Errors of either side surface through the iteration of `decoder`; the callback has nothing to add.
  return pipeline(response, decoder, () => undefined);
}

function tooLarge(maxBytes: number): OutboundHttpError {
  return new OutboundHttpError(
    "too_large",
    `The response body is larger than ${formatBytes(maxBytes)}, the limit for HTTP responses. Ask for less data (paging, filters or a smaller range).`,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
