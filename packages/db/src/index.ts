export { createPrismaClient, type PrismaClient, type PrismaClientOptions } from "./client/create-prisma-client.ts";
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from "./embedded/embedded-postgres.ts";
export { runMigrations, loadMigrations, defaultMigrationsDir, type Migration, type MigrationResult } from "./migrate/run-migrations.ts";
export { openDatabase, checkDatabaseHealth, type Database, type DatabaseOptions, type DatabaseHealth } from "./open-database.ts";
export { createSecretBox, parseSecretKey, loadOrCreateSecretKey, type SecretBox } from "./crypto/secret-box.ts";
export { generateApiKey, hashApiKey, verifyApiKey, type GeneratedApiKey } from "./crypto/api-key.ts";
export { DatabaseError, isDatabaseError, type DatabaseErrorCode } from "./errors/database-error.ts";
export { toVectorLiteral } from "./vector/vector-literal.ts";
export { recountKnowledgeBase, type KnowledgeBaseCounts } from "./repositories/recount-knowledge-base.ts";
export * from "./generated/prisma/enums.ts";
export { toJsonInput, type JsonInput } from "./client/json-value.ts";
export type { Run, NodeExecution, RunEvent as RunEventRow, App, AppVersion, Workspace, KnowledgeBase, Document } from "./generated/prisma/client.ts";
export { Prisma } from "./generated/prisma/client.ts";
export { keywordSearch, type KeywordSearchOptions, type KeywordHit } from "./repositories/knowledge/keyword-search.ts";
export { documentFilterSql, type DocumentFilter, type DocumentCondition } from "./repositories/knowledge/document-filter.ts";
export {
  writeDocumentChunks,
  type ChunkToWrite,
  type DocumentChunks,
  type WriteDocumentChunksInput,
  type WrittenChunk,
} from "./repositories/knowledge/write-document-chunks.ts";
export { vectorSearch, writeEmbeddings, type VectorSearchOptions, type VectorHit, type EmbeddingToWrite } from "./repositories/knowledge/vector-search.ts";
export { ensureVectorIndex, dropVectorIndex, vectorIndexName, vectorIndexSql, MAX_INDEXED_DIMENSIONS } from "./repositories/knowledge/vector-index.ts";
export { loadChunkDetails, type ChunkDetails } from "./repositories/knowledge/load-chunk-details.ts";
export { setDocumentStates, type DocumentState } from "./repositories/knowledge/set-document-states.ts";
