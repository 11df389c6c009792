import type { PrismaClient } from "@tandem/db";
import { expect } from "vitest";
import type { ModelTable } from "./model-tables.ts";

function toSnakeCase(fieldName: string): string {
  return fieldName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Checks that a table's columns are exactly the snake_case names of the fields Prisma returned for one
 * of its rows (plus columns Prisma cannot read, such as `Unsupported("vector")`): no column missing
 * from the SQL, none the Prisma schema does not know about.
 */
export async function expectColumnsMatchFields(
  prisma: PrismaClient,
  table: ModelTable,
  record: object,
  columnsPrismaCannotRead: readonly string[] = [],
): Promise<void> {
  const rows = await prisma.$queryRaw<Array<{ column_name: string }>>`
    SELECT column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = ${table}`;
  const columns = rows.map((row) => row.column_name).sort();
  const expected = [...Object.keys(record).map(toSnakeCase), ...columnsPrismaCannotRead].sort();
  expect(columns, `columns of ${table}`).toEqual(expected);
}
