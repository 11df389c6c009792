-- Published API (issue 8): chatflow conversations; the query, key and completion callback of API runs.
-- A conversation's messages are its runs (one per query, oldest first): the query on the run, the
-- answer in its outputs.

CREATE TABLE "conversations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "app_id" UUID NOT NULL,
    "end_user" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "conversations_app_id_end_user_updated_at_idx" ON "conversations"("app_id", "end_user", "updated_at");
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "runs" ADD COLUMN "query" TEXT;
-- Earlier turns sent with the request (OpenAI-style clients send the whole conversation): sys.history.
ALTER TABLE "runs" ADD COLUMN "history" JSONB;
ALTER TABLE "runs" ADD COLUMN "callback_url" TEXT;
-- pending, delivered or failed once a callback_url run has finished; null without a callback.
ALTER TABLE "runs" ADD COLUMN "callback_status" TEXT;
-- The app key that started an API run: its callback is signed with that key's callback secret.
ALTER TABLE "runs" ADD COLUMN "api_key_id" UUID;
ALTER TABLE "runs" ADD CONSTRAINT "runs_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "runs" ADD CONSTRAINT "runs_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "runs_conversation_id_created_at_idx" ON "runs"("conversation_id", "created_at");
DROP INDEX "runs_conversation_id_idx";
