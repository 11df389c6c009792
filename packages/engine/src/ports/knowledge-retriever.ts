import type { RetrievalRequest, RetrievalResult } from "@tandem/knowledge";

/**
 * Retrieval from the workspace's knowledge bases. The runner builds one per workspace, so a request
 * can only reach that workspace's knowledge bases; an id from elsewhere is reported as not found.
 */
export interface KnowledgeRetriever {
  retrieve(request: RetrievalRequest & { signal: AbortSignal; private: boolean }): Promise<RetrievalResult>;
  /** Names of knowledge bases by id (for validation messages and the editor); missing ids are absent. */
  describe?(knowledgeBaseIds: readonly string[]): Promise<Map<string, { name: string; indexMode: "keyword" | "high_quality" }>>;
}
