-- Tandem's initial schema. Hand-written in the format `prisma migrate deploy` accepts
-- (see docs/adr/0002-migrations-offline.md); tests/integration/db/schema-*.test.ts prove it matches schema.prisma.

-- Extensions: pgvector for embeddings, pg_trgm for fuzzy value matching.
CREATE EXTENSION IF NOT EXISTS "vector";
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "membership_role" AS ENUM ('owner', 'admin', 'editor', 'viewer');
CREATE TYPE "app_kind" AS ENUM ('workflow', 'chatflow');
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'stopped');
CREATE TYPE "node_execution_status" AS ENUM ('running', 'succeeded', 'failed', 'exception', 'skipped');
CREATE TYPE "index_mode" AS ENUM ('keyword', 'high_quality');
CREATE TYPE "document_status" AS ENUM ('queued', 'processing', 'ready', 'failed');
CREATE TYPE "document_stage" AS ENUM ('stored', 'parsing', 'chunking', 'embedding', 'indexing', 'done');
CREATE TYPE "data_source_kind" AS ENUM ('postgresql', 'mysql', 'sqlite', 'http_api');
CREATE TYPE "model_provider_kind" AS ENUM ('openai_compatible', 'ollama', 'anthropic', 'local');

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT,
    "last_login_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "memberships" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "membership_role" NOT NULL DEFAULT 'editor',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "apps" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "kind" "app_kind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "icon" TEXT,
    "draft" JSONB NOT NULL,
    "draft_updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "apps_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "app_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "app_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "published_by" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "app_versions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "app_id" UUID NOT NULL,
    "app_version_id" UUID,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "trigger" TEXT NOT NULL DEFAULT 'debug',
    "document" JSONB,
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "outputs" JSONB,
    "error" TEXT,
    "conversation_id" UUID,
    "idempotency_key" TEXT,
    "end_user" TEXT,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "total_steps" INTEGER NOT NULL DEFAULT 0,
    "total_cost" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "elapsed_ms" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "node_executions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "node_type" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "index" INTEGER NOT NULL,
    "iteration_index" INTEGER,
    "status" "node_execution_status" NOT NULL DEFAULT 'running',
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "inputs" JSONB,
    "outputs" JSONB,
    "error" TEXT,
    "model" JSONB,
    "tokens_in" INTEGER NOT NULL DEFAULT 0,
    "tokens_out" INTEGER NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "elapsed_ms" INTEGER,
    CONSTRAINT "node_executions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "run_events" (
    "id" BIGSERIAL NOT NULL,
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "knowledge_bases" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "index_mode" "index_mode" NOT NULL DEFAULT 'keyword',
    "embedding_model" TEXT,
    "embedding_dimensions" INTEGER,
    "chunking" JSONB NOT NULL DEFAULT '{}',
    "retrieval" JSONB NOT NULL DEFAULT '{}',
    "private" BOOLEAN NOT NULL DEFAULT false,
    "document_count" INTEGER NOT NULL DEFAULT 0,
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "token_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "knowledge_bases_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "documents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "knowledge_base_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "status" "document_status" NOT NULL DEFAULT 'queued',
    "stage" "document_stage" NOT NULL DEFAULT 'stored',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "token_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "documents_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "documents_progress_check" CHECK ("progress" BETWEEN 0 AND 100)
);

CREATE TABLE "chunks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "knowledge_base_id" UUID NOT NULL,
    "document_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "parent_id" UUID,
    "text" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "token_count" INTEGER NOT NULL DEFAULT 0,
    "term_count" INTEGER NOT NULL DEFAULT 0,
    "embedding" vector,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "chunks_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "chunk_terms" (
    "knowledge_base_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "chunk_id" UUID NOT NULL,
    "term" TEXT NOT NULL,
    "frequency" INTEGER NOT NULL,
    CONSTRAINT "chunk_terms_pkey" PRIMARY KEY ("chunk_id", "term")
);

CREATE TABLE "data_sources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "data_source_kind" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "credentials_encrypted" TEXT,
    "statement_timeout_ms" INTEGER NOT NULL DEFAULT 15000,
    "row_cap" INTEGER NOT NULL DEFAULT 1000,
    "concurrency_cap" INTEGER NOT NULL DEFAULT 4,
    "schema_cache" JSONB,
    "schema_cached_at" TIMESTAMP(3),
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "data_sources_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "model_providers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "model_provider_kind" NOT NULL,
    "preset" TEXT,
    "base_url" TEXT,
    "api_key_encrypted" TEXT,
    "is_local" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "capabilities" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "model_providers_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "app_id" UUID,
    "app_version_id" UUID,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rate_limit_per_min" INTEGER,
    "concurrency_limit" INTEGER,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspaces_slug_key" ON "workspaces"("slug");
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");
CREATE UNIQUE INDEX "memberships_workspace_id_user_id_key" ON "memberships"("workspace_id", "user_id");
CREATE UNIQUE INDEX "apps_workspace_id_slug_key" ON "apps"("workspace_id", "slug");
CREATE INDEX "app_versions_workspace_id_idx" ON "app_versions"("workspace_id");
CREATE UNIQUE INDEX "app_versions_app_id_version_key" ON "app_versions"("app_id", "version");
CREATE INDEX "runs_workspace_id_created_at_idx" ON "runs"("workspace_id", "created_at");
CREATE INDEX "runs_app_id_created_at_idx" ON "runs"("app_id", "created_at");
CREATE INDEX "runs_conversation_id_idx" ON "runs"("conversation_id");
CREATE UNIQUE INDEX "runs_app_id_idempotency_key_key" ON "runs"("app_id", "idempotency_key");
CREATE INDEX "node_executions_run_id_index_idx" ON "node_executions"("run_id", "index");
CREATE INDEX "node_executions_workspace_id_idx" ON "node_executions"("workspace_id");
CREATE INDEX "run_events_workspace_id_idx" ON "run_events"("workspace_id");
CREATE UNIQUE INDEX "run_events_run_id_seq_key" ON "run_events"("run_id", "seq");
CREATE INDEX "knowledge_bases_workspace_id_idx" ON "knowledge_bases"("workspace_id");
CREATE INDEX "documents_knowledge_base_id_status_idx" ON "documents"("knowledge_base_id", "status");
CREATE INDEX "documents_workspace_id_idx" ON "documents"("workspace_id");
CREATE INDEX "chunks_knowledge_base_id_idx" ON "chunks"("knowledge_base_id");
CREATE UNIQUE INDEX "chunks_document_id_position_key" ON "chunks"("document_id", "position");
CREATE INDEX "chunk_terms_knowledge_base_id_term_idx" ON "chunk_terms"("knowledge_base_id", "term");
CREATE INDEX "chunk_terms_workspace_id_idx" ON "chunk_terms"("workspace_id");
CREATE UNIQUE INDEX "data_sources_workspace_id_name_key" ON "data_sources"("workspace_id", "name");
CREATE UNIQUE INDEX "model_providers_workspace_id_name_key" ON "model_providers"("workspace_id", "name");
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_workspace_id_idx" ON "api_keys"("workspace_id");
CREATE INDEX "api_keys_app_id_idx" ON "api_keys"("app_id");

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "apps" ADD CONSTRAINT "apps_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "app_versions" ADD CONSTRAINT "app_versions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "app_versions" ADD CONSTRAINT "app_versions_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "runs" ADD CONSTRAINT "runs_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "runs" ADD CONSTRAINT "runs_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "runs" ADD CONSTRAINT "runs_app_version_id_fkey" FOREIGN KEY ("app_version_id") REFERENCES "app_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "node_executions" ADD CONSTRAINT "node_executions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "node_executions" ADD CONSTRAINT "node_executions_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "knowledge_bases" ADD CONSTRAINT "knowledge_bases_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "documents" ADD CONSTRAINT "documents_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "documents" ADD CONSTRAINT "documents_knowledge_base_id_fkey" FOREIGN KEY ("knowledge_base_id") REFERENCES "knowledge_bases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_knowledge_base_id_fkey" FOREIGN KEY ("knowledge_base_id") REFERENCES "knowledge_bases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "chunks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunk_terms" ADD CONSTRAINT "chunk_terms_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunk_terms" ADD CONSTRAINT "chunk_terms_knowledge_base_id_fkey" FOREIGN KEY ("knowledge_base_id") REFERENCES "knowledge_bases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunk_terms" ADD CONSTRAINT "chunk_terms_chunk_id_fkey" FOREIGN KEY ("chunk_id") REFERENCES "chunks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "data_sources" ADD CONSTRAINT "data_sources_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_providers" ADD CONSTRAINT "model_providers_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_app_version_id_fkey" FOREIGN KEY ("app_version_id") REFERENCES "app_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Published versions are immutable: their content can never change once written.
CREATE FUNCTION "app_versions_forbid_update"() RETURNS trigger AS $$
BEGIN
    IF NEW."document" IS DISTINCT FROM OLD."document"
        OR NEW."version" IS DISTINCT FROM OLD."version"
        OR NEW."app_id" IS DISTINCT FROM OLD."app_id" THEN
        RAISE EXCEPTION 'published app versions are immutable: publish a new version instead'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "app_versions_immutable"
    BEFORE UPDATE ON "app_versions"
    FOR EACH ROW EXECUTE FUNCTION "app_versions_forbid_update"();
