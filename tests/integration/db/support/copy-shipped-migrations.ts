import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultMigrationsDir } from "@tandem/db";

/** Copies the migrations shipped with @tandem/db into a fresh temp folder, so a test can edit or add to them. */
export async function copyShippedMigrations(): Promise<string> {
  const target = path.join(await mkdtemp(path.join(tmpdir(), "tandem-migrations-")), "migrations");
  await cp(defaultMigrationsDir, target, { recursive: true });
  return target;
}
