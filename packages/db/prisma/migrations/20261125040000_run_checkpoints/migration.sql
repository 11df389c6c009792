-- Run checkpoints (issue 8): LangGraph checkpoints and pending writes of runs, written in batches with
-- the runs' events by the runner's write batcher, read back only to resume a run. Bytes as LangGraph's
-- serializer produced them. Gone with their run (thread_id is the run id). In schema "langgraph", apart
-- from the tables the Prisma client models: only the runner's checkpoint saver reads and writes them.

CREATE SCHEMA IF NOT EXISTS "langgraph";

CREATE TABLE "langgraph"."run_checkpoints" (
    "run_id" UUID NOT NULL,
    "checkpoint_ns" TEXT NOT NULL DEFAULT '',
    "checkpoint_id" TEXT NOT NULL,
    "parent_checkpoint_id" TEXT,
    "checkpoint" BYTEA NOT NULL,
    "metadata" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "run_checkpoints_pkey" PRIMARY KEY ("run_id", "checkpoint_ns", "checkpoint_id")
);
ALTER TABLE "langgraph"."run_checkpoints" ADD CONSTRAINT "run_checkpoints_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "langgraph"."run_checkpoint_writes" (
    "run_id" UUID NOT NULL,
    "checkpoint_ns" TEXT NOT NULL DEFAULT '',
    "checkpoint_id" TEXT NOT NULL,
    -- "<task id>,<index>", as LangGraph keys a task's writes.
    "write_key" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "task_path" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "run_checkpoint_writes_pkey" PRIMARY KEY ("run_id", "checkpoint_ns", "checkpoint_id", "write_key")
);
ALTER TABLE "langgraph"."run_checkpoint_writes" ADD CONSTRAINT "run_checkpoint_writes_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
