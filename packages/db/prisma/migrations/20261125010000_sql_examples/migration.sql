-- Text2SQL (issue 6): verified question → SQL pairs per data source, the few-shot memory. One pair per
-- question and source (saving the same question again replaces its SQL); gone with the source.

CREATE TABLE "sql_examples" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "data_source_id" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sql_examples_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "sql_examples_data_source_id_question_key" ON "sql_examples"("data_source_id", "question");
CREATE INDEX "sql_examples_workspace_id_idx" ON "sql_examples"("workspace_id");
ALTER TABLE "sql_examples" ADD CONSTRAINT "sql_examples_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sql_examples" ADD CONSTRAINT "sql_examples_data_source_id_fkey" FOREIGN KEY ("data_source_id") REFERENCES "data_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
