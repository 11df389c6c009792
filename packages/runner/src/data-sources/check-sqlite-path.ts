import { realpath } from "node:fs/promises";
import path from "node:path";
import type { DataSourceConfig } from "@tandem/sql";
import { DataSourceError } from "./data-source-error.ts";

async function resolved(target: string): Promise<string> {
  try {
    return await realpath(target);
  } catch {
    return path.resolve(target);
  }
}

/**
 * A SQLite data source names a file on the server. Anyone who may add data sources could otherwise read
 * any SQLite file the server can (another product's database, a browser profile): the file must lie
 * inside one of the allowed folders (`TANDEM_SQLITE_ROOTS`, default `<data dir>/databases`), after
 * symbolic links are resolved so that a link cannot lead out of them.
 */
export async function checkSqlitePath(config: DataSourceConfig, roots: readonly string[]): Promise<void> {
  if (config.kind !== "sqlite") return;
  const file = await resolved(config.path);
  for (const root of roots) {
    const base = await resolved(root);
    if (file.startsWith(base.endsWith(path.sep) ? base : `${base}${path.sep}`)) return;
  }
  throw new DataSourceError(
    "invalid_input",
    `SQLite files must be inside ${roots.length === 1 ? `the folder ${roots[0]}` : `one of the folders ${roots.join(", ")}`}: copy the database there, or add its folder to TANDEM_SQLITE_ROOTS.`,
  );
}
