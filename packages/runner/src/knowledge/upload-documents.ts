import { createHash, randomUUID } from "node:crypto";
import { DEFAULT_MAX_BYTES } from "@tandem/knowledge";
import { z } from "zod";
import { enqueueIngestion, type KnowledgeDependencies } from "./knowledge-dependencies.ts";
import { KnowledgeError } from "./knowledge-error.ts";
import { requireKnowledgeBase } from "./manage-knowledge-bases.ts";

export interface UploadedFile {
  /** The name the user's file had; path components and control characters are removed. */
  name: string;
  bytes: Uint8Array;
  mimeType?: string | undefined;
  tags?: string[] | undefined;
  /** Custom fields, filterable at retrieval. */
  metadata?: Record<string, unknown> | undefined;
}

export interface UploadOptions {
  /** Larger files are refused (default 50 MiB, the parser's limit). */
  maxFileBytes?: number;
  /** Files per call (default 1,000). */
  maxFiles?: number;
}

export interface UploadResult {
  documents: Array<{ id: string; name: string; sizeBytes: number }>;
  /** Files refused, each with the reason; the others were stored. */
  rejected: Array<{ name: string; code: "file_too_large" | "invalid_upload"; message: string }>;
  jobs: number;
}

const tagsSchema = z.array(z.string().trim().min(1).max(64)).max(50).default([]);
const metadataSchema = z
  .record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(1000), z.number()])).max(100)]))
  .default({})
  .refine((value) => Object.keys(value).length <= 50, "at most 50 metadata fields");

/**
 * A file name safe to show and store: the last path component (so `../../etc/passwd` is `passwd`),
 * no control or bidirectional-override characters, at most 255 characters.
 */
export function sanitizeFileName(name: string): string {
  const last = name.split(/[\\/]/).filter((part) => part !== "" && part !== "." && part !== "..").at(-1) ?? "";
  // Control characters, and the bidi overrides that make "exe.txt" read as "txt.exe".
  // eslint-disable-next-line no-control-regex
  const cleaned = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  return (cleaned === "" ? "untitled" : cleaned).slice(0, 255);
}

/**
 * Stores uploaded files as documents of a knowledge base (status queued) and queues their ingestion.
 * Each file stands alone: one that is too large or malformed is refused with its reason and the
 * others go ahead. Files and document rows are written in one transaction, so a document never lacks
 * its file.
 */
export async function uploadDocuments(
  dependencies: KnowledgeDependencies,
  workspaceId: string,
  knowledgeBaseId: string,
  files: readonly UploadedFile[],
  options: UploadOptions = {},
): Promise<UploadResult> {
  await requireKnowledgeBase(dependencies, workspaceId, knowledgeBaseId);
  const maxFiles = options.maxFiles ?? 1_000;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES;
  if (files.length === 0) throw new KnowledgeError("invalid_upload", "No files were uploaded: choose at least one file.");
  if (files.length > maxFiles) {
    throw new KnowledgeError("too_many_files", `${files.length} files in one upload; the limit is ${maxFiles}. Upload them in several parts.`);
  }
  const rejected: UploadResult["rejected"] = [];
  const accepted: Array<{ id: string; name: string; file: UploadedFile; tags: string[]; metadata: Record<string, unknown> }> = [];
  for (const file of files) {
    const name = sanitizeFileName(typeof file.name === "string" ? file.name : "");
    if (!(file.bytes instanceof Uint8Array)) {
      rejected.push({ name, code: "invalid_upload", message: `${name}: the upload carried no file content.` });
      continue;
    }
    if (file.bytes.byteLength > maxBytes) {
      const size = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
      rejected.push({ name, code: "file_too_large", message: `${name} is ${size(file.bytes.byteLength)}, over the ${size(maxBytes)} limit. Split it into smaller files.` });
      continue;
    }
    const tags = tagsSchema.safeParse(file.tags ?? []);
    const metadata = metadataSchema.safeParse(file.metadata ?? {});
    if (!tags.success || !metadata.success) {
      const issue = (tags.success ? undefined : tags.error.issues[0]) ?? (metadata.success ? undefined : metadata.error.issues[0]);
      rejected.push({ name, code: "invalid_upload", message: `${name}: ${tags.success ? "metadata" : "tags"} ${issue?.path.join(".") ?? ""} ${issue?.message ?? "are invalid"}`.replace(/\s+/g, " ") });
      continue;
    }
    accepted.push({ id: randomUUID(), name, file, tags: tags.data, metadata: metadata.data });
  }
  if (accepted.length === 0) return { documents: [], rejected, jobs: 0 };

  const { prisma } = dependencies;
  await prisma.$transaction([
    prisma.document.createMany({
      data: accepted.map((entry) => ({
        id: entry.id,
        workspaceId,
        knowledgeBaseId,
        name: entry.name,
        mimeType: (entry.file.mimeType ?? "application/octet-stream").slice(0, 200),
        sizeBytes: entry.file.bytes.byteLength,
        storageKey: `database:document_files/${entry.id}`,
        contentHash: `sha256:${createHash("sha256").update(entry.file.bytes).digest("hex")}`,
        tags: entry.tags,
        metadata: entry.metadata as Record<string, string | number | boolean | null>,
      })),
    }),
    // Copied into a plain ArrayBuffer-backed array (what Prisma's Bytes takes; an upload may be a view on a shared buffer).
    prisma.documentFile.createMany({ data: accepted.map((entry) => ({ documentId: entry.id, workspaceId, content: new Uint8Array(entry.file.bytes) })) }),
  ]);
  const documents = accepted.map((entry) => ({ id: entry.id, name: entry.name, sizeBytes: entry.file.bytes.byteLength }));
  const jobs = await enqueueIngestion(dependencies.queue, documents);
  return { documents, rejected, jobs };
}
