-- Knowledge ingestion and retrieval (issue 5):
-- - uploaded files kept in the database, so web and workers share them without a shared volume;
-- - what each document was indexed with, so a settings change re-indexes only what changed;
-- - parent chunks (parent-child mode) marked, since they are returned but never matched;
-- - postings carry their chunk's document and length, so BM25 needs no join to score;
-- - collection statistics (N is chunk_count; the total length is keyword_term_total) and the studio's
--   counts kept exact by statement triggers.

CREATE TABLE "document_files" (
    "document_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "content" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "document_files_pkey" PRIMARY KEY ("document_id")
);
CREATE INDEX "document_files_workspace_id_idx" ON "document_files"("workspace_id");
ALTER TABLE "document_files" ADD CONSTRAINT "document_files_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "document_files" ADD CONSTRAINT "document_files_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Files are written once and read whole: keep them out of line, uncompressed (most are compressed formats).
ALTER TABLE "document_files" ALTER COLUMN "content" SET STORAGE EXTERNAL;

ALTER TABLE "documents" ADD COLUMN "index_signature" TEXT;
ALTER TABLE "documents" ADD COLUMN "error_code" TEXT;
ALTER TABLE "documents" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "documents" ADD COLUMN "processing_started_at" TIMESTAMP(3);
ALTER TABLE "documents" ADD COLUMN "processed_at" TIMESTAMP(3);
CREATE INDEX "documents_knowledge_base_id_created_at_idx" ON "documents"("knowledge_base_id", "created_at");

ALTER TABLE "chunks" ADD COLUMN "is_parent" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "chunks_parent_id_idx" ON "chunks"("parent_id");

ALTER TABLE "chunk_terms" ADD COLUMN "document_id" UUID;
ALTER TABLE "chunk_terms" ADD COLUMN "chunk_length" INTEGER;
UPDATE "chunk_terms" ct SET "document_id" = c."document_id", "chunk_length" = c."term_count" FROM "chunks" c WHERE c."id" = ct."chunk_id";
ALTER TABLE "chunk_terms" ALTER COLUMN "document_id" SET NOT NULL;
ALTER TABLE "chunk_terms" ALTER COLUMN "chunk_length" SET NOT NULL;
-- Cascades from workspaces reach chunk_terms through knowledge_bases; this index only slowed writes.
DROP INDEX "chunk_terms_workspace_id_idx";

ALTER TABLE "knowledge_bases" ADD COLUMN "keyword_term_total" BIGINT NOT NULL DEFAULT 0;

-- Counts maintained per statement (not per row): a bulk insert of 5,000 chunks updates its knowledge
-- base once. Cascaded deletes fire them too, so the counts cannot drift. A chunk's token_count,
-- term_count and is_parent are never updated in place (re-indexing replaces the rows), so there is no
-- UPDATE trigger; recountKnowledgeBase repairs the counts from the rows if that ever changes.
CREATE FUNCTION "tandem_chunks_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One body for both directions: the rows are the statement's new_rows (added) or old_rows (taken away).
  EXECUTE format($sql$
    UPDATE knowledge_bases kb SET
      chunk_count = kb.chunk_count + %1$s * d.chunks,
      token_count = kb.token_count + %1$s * d.tokens,
      keyword_term_total = kb.keyword_term_total + %1$s * d.terms
    FROM (
      SELECT knowledge_base_id,
        count(*) FILTER (WHERE NOT is_parent) AS chunks,
        coalesce(sum(token_count) FILTER (WHERE NOT is_parent), 0) AS tokens,
        coalesce(sum(term_count) FILTER (WHERE NOT is_parent), 0) AS terms
      FROM %2$I GROUP BY knowledge_base_id
    ) d
    WHERE kb.id = d.knowledge_base_id$sql$,
    CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END,
    CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
  RETURN NULL;
END $$;

CREATE TRIGGER "chunks_count_insert" AFTER INSERT ON "chunks"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tandem_chunks_count"();
CREATE TRIGGER "chunks_count_delete" AFTER DELETE ON "chunks"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tandem_chunks_count"();

CREATE FUNCTION "tandem_documents_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($sql$
    UPDATE knowledge_bases kb SET document_count = kb.document_count + %1$s * d.n
    FROM (SELECT knowledge_base_id, count(*) AS n FROM %2$I GROUP BY knowledge_base_id) d
    WHERE kb.id = d.knowledge_base_id$sql$,
    CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END,
    CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
  RETURN NULL;
END $$;
CREATE TRIGGER "documents_count_insert" AFTER INSERT ON "documents"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tandem_documents_count"();
CREATE TRIGGER "documents_count_delete" AFTER DELETE ON "documents"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tandem_documents_count"();

-- Bring existing knowledge bases to the counts the triggers will keep from now on.
UPDATE knowledge_bases kb SET
  document_count = (SELECT count(*) FROM documents d WHERE d.knowledge_base_id = kb.id),
  chunk_count = (SELECT count(*) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent),
  token_count = (SELECT coalesce(sum(c.token_count), 0) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent),
  keyword_term_total = (SELECT coalesce(sum(c.term_count), 0) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent);
