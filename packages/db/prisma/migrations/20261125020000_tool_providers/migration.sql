-- Tools (issue 7): a workspace's tool providers, an OpenAPI document or an MCP server each, with their
-- credentials sealed by the secret box. One name per workspace; gone with the workspace.

CREATE TABLE "tool_providers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "config" JSONB NOT NULL DEFAULT '{}',
    "credentials_encrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tool_providers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "tool_providers_workspace_id_name_key" ON "tool_providers"("workspace_id", "name");
ALTER TABLE "tool_providers" ADD CONSTRAINT "tool_providers_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
