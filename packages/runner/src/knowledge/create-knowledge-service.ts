import type { RetrievalRequest, RetrievalResult } from "@tandem/knowledge";
import { deleteDocument, getDocument, listChunks, listDocuments, retryDocument } from "./browse-documents.ts";
import type { KnowledgeDependencies } from "./knowledge-dependencies.ts";
import {
  createKnowledgeBase,
  deleteKnowledgeBase,
  getKnowledgeBase,
  listKnowledgeBases,
  updateKnowledgeBase,
} from "./manage-knowledge-bases.ts";
import { createKnowledgeRetriever } from "./retrieve-chunks.ts";
import { uploadDocuments } from "./upload-documents.ts";

type Tail<F> = F extends (dependencies: KnowledgeDependencies, ...rest: infer R) => infer T ? (...rest: R) => T : never;

/**
 * Knowledge bases as one object for the web app's routes and the CLI: every function takes the
 * workspace id first, and never reaches another workspace's rows.
 */
export interface KnowledgeService {
  createKnowledgeBase: Tail<typeof createKnowledgeBase>;
  getKnowledgeBase: Tail<typeof getKnowledgeBase>;
  listKnowledgeBases: Tail<typeof listKnowledgeBases>;
  updateKnowledgeBase: Tail<typeof updateKnowledgeBase>;
  deleteKnowledgeBase: Tail<typeof deleteKnowledgeBase>;
  uploadDocuments: Tail<typeof uploadDocuments>;
  listDocuments: Tail<typeof listDocuments>;
  getDocument: Tail<typeof getDocument>;
  listChunks: Tail<typeof listChunks>;
  deleteDocument: Tail<typeof deleteDocument>;
  retryDocument: Tail<typeof retryDocument>;
  /**
   * Hit testing: runs a query as the knowledge-retrieval node would and returns the ranked chunks with
   * their scores, which retrievers found each, and a trace of what ran.
   */
  hitTest(workspaceId: string, request: RetrievalRequest & { signal?: AbortSignal }): Promise<RetrievalResult>;
}

export function createKnowledgeService(dependencies: KnowledgeDependencies): KnowledgeService {
  const bind =
    <R extends unknown[], T>(operation: (dependencies: KnowledgeDependencies, ...rest: R) => T) =>
    (...rest: R): T =>
      operation(dependencies, ...rest);
  return {
    createKnowledgeBase: bind(createKnowledgeBase),
    getKnowledgeBase: bind(getKnowledgeBase),
    listKnowledgeBases: bind(listKnowledgeBases),
    updateKnowledgeBase: bind(updateKnowledgeBase),
    deleteKnowledgeBase: bind(deleteKnowledgeBase),
    uploadDocuments: bind(uploadDocuments),
    listDocuments: bind(listDocuments),
    getDocument: bind(getDocument),
    listChunks: bind(listChunks),
    deleteDocument: bind(deleteDocument),
    retryDocument: bind(retryDocument),
    async hitTest(workspaceId, request) {
      const workspace = await dependencies.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, settings: true } });
      const services = await dependencies.servicesFor({ id: workspaceId, settings: workspace?.settings ?? {} });
      const retriever = createKnowledgeRetriever({ prisma: dependencies.prisma, models: services.models, workspaceId });
      return retriever.retrieve({ ...request, signal: request.signal ?? new AbortController().signal, private: false });
    },
  };
}
