/**
 * Every Prisma model and the SQL table it maps to. The schema tests check this list against both the
 * generated client and the database, so a model or table added without a CRUD test fails a test.
 */
export const modelTables = {
  Workspace: "workspaces",
  User: "users",
  Membership: "memberships",
  App: "apps",
  AppVersion: "app_versions",
  Run: "runs",
  Conversation: "conversations",
  NodeExecution: "node_executions",
  RunEvent: "run_events",
  KnowledgeBase: "knowledge_bases",
  Document: "documents",
  DocumentFile: "document_files",
  Chunk: "chunks",
  ChunkTerm: "chunk_terms",
  DataSource: "data_sources",
  SqlExample: "sql_examples",
  ModelProvider: "model_providers",
  ApiKey: "api_keys",
  ToolProvider: "tool_providers",
} as const;

export type ModelTable = (typeof modelTables)[keyof typeof modelTables];
