import { analyze, chunkDocument, isDocumentParseError, parseDocument, type ChunkSettings } from "@tandem/knowledge";
import type { ChunkToWrite } from "@tandem/db";

export interface PreparationRequest {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
  chunking: ChunkSettings;
}

export type PreparationResult =
  | { ok: true; chunks: ChunkToWrite[]; tokenCount: number }
  | { ok: false; code: string; message: string };

/**
 * File bytes to chunks with their index terms: parse, chunk, analyze. Pure CPU work, run on a worker
 * thread (see create-preparation-pool.ts) so that a large PDF never stalls the server's event loop.
 * Never throws: a document that cannot be read comes back as its error code and message.
 */
export async function prepareDocument(request: PreparationRequest): Promise<PreparationResult> {
  try {
    const parsed = await parseDocument({ name: request.name, mimeType: request.mimeType, bytes: request.bytes });
    const chunks = chunkDocument(parsed, request.chunking);
    if (chunks.length === 0) return { ok: false, code: "empty_document", message: `${request.name} has no text to index.` };
    const parentChild = request.chunking.mode === "parent-child";
    let tokenCount = 0;
    const prepared = chunks.map((chunk): ChunkToWrite => {
      const isParent = parentChild && chunk.parentPosition === undefined;
      if (!isParent) tokenCount += chunk.tokenCount;
      return {
        position: chunk.position,
        text: chunk.text,
        tokenCount: chunk.tokenCount,
        metadata: { ...chunk.metadata },
        isParent,
        parentPosition: chunk.parentPosition,
        terms: isParent ? [] : analyze(chunk.text),
      };
    });
    return { ok: true, chunks: prepared, tokenCount };
  } catch (error) {
    if (isDocumentParseError(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "parse_failed", message: `${request.name} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
