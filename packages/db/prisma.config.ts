// The Prisma CLI wants a schema-engine binary it downloads from the internet; `generate`, `validate` and
// `format` never run it, so any existing file satisfies the check and keeps Tandem installable air-gapped.
// Migrations are applied by Tandem's own runner (src/migrate/), never by the CLI.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
