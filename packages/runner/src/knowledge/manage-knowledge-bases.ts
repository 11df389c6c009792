import { dropVectorIndex, type KnowledgeBase } from "@tandem/db";
import { z } from "zod";
import { enqueueIngestion, type KnowledgeDependencies } from "./knowledge-dependencies.ts";
import {
  checkSettingsConsistency,
  indexSignature,
  knowledgeBaseInputSchema,
  knowledgeBasePatchSchema,
  readKnowledgeBaseSettings,
  type KnowledgeBaseInput,
  type KnowledgeBasePatch,
  type KnowledgeBaseSettings,
} from "./knowledge-base-settings.ts";
import { KnowledgeError } from "./knowledge-error.ts";

export interface KnowledgeBaseView {
  id: string;
  name: string;
  description: string;
  settings: KnowledgeBaseSettings;
  documentCount: number;
  chunkCount: number;
  tokenCount: number;
  createdAt: Date;
  updatedAt: Date;
}

function view(row: KnowledgeBase): KnowledgeBaseView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    settings: readKnowledgeBaseSettings(row),
    documentCount: row.documentCount,
    chunkCount: row.chunkCount,
    tokenCount: row.tokenCount,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function invalid(error: z.ZodError): KnowledgeError {
  const issues = error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`);
  return new KnowledgeError("invalid_settings", `Invalid knowledge base settings: ${issues.join("; ")}`, { details: { issues: error.issues } });
}

const uuid = z.string().uuid();

/** Loads a knowledge base of the workspace, or throws not_found (ids of other workspaces included). */
export async function requireKnowledgeBase(dependencies: Pick<KnowledgeDependencies, "prisma">, workspaceId: string, knowledgeBaseId: string): Promise<KnowledgeBase> {
  const row = uuid.safeParse(knowledgeBaseId).success
    ? await dependencies.prisma.knowledgeBase.findFirst({ where: { id: knowledgeBaseId, workspaceId } })
    : null;
  if (!row) throw new KnowledgeError("not_found", `Knowledge base ${knowledgeBaseId} does not exist in this workspace.`);
  return row;
}

export async function createKnowledgeBase(dependencies: KnowledgeDependencies, workspaceId: string, input: KnowledgeBaseInput): Promise<KnowledgeBaseView> {
  const parsed = knowledgeBaseInputSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const settings = parsed.data;
  const retrieval = { mode: settings.indexMode === "high_quality" ? "hybrid" : "keyword", ...settings.retrieval };
  checkSettingsConsistency({ indexMode: settings.indexMode, embeddingModel: settings.embeddingModel, retrievalMode: retrieval.mode });
  const row = await dependencies.prisma.knowledgeBase.create({
    data: {
      workspaceId,
      name: settings.name,
      description: settings.description,
      indexMode: settings.indexMode,
      embeddingModel: settings.indexMode === "high_quality" ? (settings.embeddingModel ?? null) : null,
      embeddingDimensions: settings.embeddingDimensions ?? null,
      chunking: settings.chunking,
      retrieval,
      private: settings.private,
    },
  });
  return view(row);
}

export async function getKnowledgeBase(dependencies: KnowledgeDependencies, workspaceId: string, knowledgeBaseId: string): Promise<KnowledgeBaseView> {
  return view(await requireKnowledgeBase(dependencies, workspaceId, knowledgeBaseId));
}

export async function listKnowledgeBases(dependencies: KnowledgeDependencies, workspaceId: string): Promise<KnowledgeBaseView[]> {
  const rows = await dependencies.prisma.knowledgeBase.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
  return rows.map(view);
}

/**
 * Changes a knowledge base. When what the chunks depend on changes (chunking, index mode, embedding
 * model), every document is queued again and re-indexed in the background; a new embedding model
 * also drops the old vectors and their index, since vectors of two models cannot be compared.
 * Retrieval defaults, name and description change at once with no re-index.
 */
export async function updateKnowledgeBase(
  dependencies: KnowledgeDependencies,
  workspaceId: string,
  knowledgeBaseId: string,
  patch: KnowledgeBasePatch,
): Promise<KnowledgeBaseView & { reindexing: number }> {
  const parsed = knowledgeBasePatchSchema.safeParse(patch);
  if (!parsed.success) throw invalid(parsed.error);
  const changes = parsed.data;
  const current = await requireKnowledgeBase(dependencies, workspaceId, knowledgeBaseId);
  const before = readKnowledgeBaseSettings(current);
  const indexMode = changes.indexMode ?? before.indexMode;
  const embeddingModel = indexMode === "high_quality" ? (changes.embeddingModel === undefined ? before.embeddingModel : changes.embeddingModel) : null;
  const retrieval = { ...before.retrieval, ...(changes.retrieval ?? {}) };
  if (indexMode === "keyword" && changes.retrieval?.mode === undefined && retrieval.mode !== "keyword") retrieval.mode = "keyword";
  checkSettingsConsistency({ indexMode, embeddingModel, retrievalMode: retrieval.mode });
  const chunking = changes.chunking ?? before.chunking;
  const embeddingsChanged = embeddingModel !== before.embeddingModel || indexMode !== before.indexMode;
  const embeddingDimensions =
    changes.embeddingDimensions !== undefined ? changes.embeddingDimensions : embeddingsChanged ? null : before.embeddingDimensions;
  const after = { indexMode, embeddingModel, chunking };
  const reindex = indexSignature(after) !== indexSignature(before);

  const { prisma } = dependencies;
  if (embeddingsChanged) {
    await dropVectorIndex(prisma, knowledgeBaseId);
    await prisma.$executeRaw`UPDATE chunks SET embedding = NULL WHERE knowledge_base_id = ${knowledgeBaseId}::uuid AND embedding IS NOT NULL`;
  }
  const row = await prisma.knowledgeBase.update({
    where: { id: knowledgeBaseId },
    data: {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.private === undefined ? {} : { private: changes.private }),
      indexMode,
      embeddingModel,
      embeddingDimensions,
      chunking,
      retrieval,
    },
  });
  let reindexing = 0;
  if (reindex) {
    const documents = await prisma.document.findMany({ where: { knowledgeBaseId }, select: { id: true, sizeBytes: true }, orderBy: { createdAt: "asc" } });
    await prisma.document.updateMany({ where: { knowledgeBaseId }, data: { status: "queued", stage: "stored", progress: 0, error: null, errorCode: null } });
    await enqueueIngestion(dependencies.queue, documents);
    reindexing = documents.length;
  }
  return { ...view(row), reindexing };
}

/** Deletes a knowledge base with its documents, files, chunks and vector index. */
export async function deleteKnowledgeBase(dependencies: KnowledgeDependencies, workspaceId: string, knowledgeBaseId: string): Promise<void> {
  await requireKnowledgeBase(dependencies, workspaceId, knowledgeBaseId);
  await dependencies.prisma.knowledgeBase.delete({ where: { id: knowledgeBaseId } });
  await dropVectorIndex(dependencies.prisma, knowledgeBaseId);
}
