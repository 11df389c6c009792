import { readFile } from "node:fs/promises";
import { z } from "zod";

export interface GoldQuery {
  dbId: string;
  sql: string;
}

const spiderItems = z.array(z.object({ db_id: z.string(), query: z.string() }).passthrough());

/** Spider gold SQL: `dev.json` (an array of `{ db_id, query }`) or `dev_gold.sql` (lines `SQL<TAB>db_id`). */
export async function readGold(file: string): Promise<GoldQuery[]> {
  const text = await readFile(file, "utf8");
  if (file.endsWith(".json")) return spiderItems.parse(JSON.parse(text)).map((item) => ({ dbId: item.db_id, sql: item.query }));
  return text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const tab = line.lastIndexOf("\t");
      if (tab < 0) throw new Error(`${file}: a line without a tab: ${line.slice(0, 80)}`);
      return { dbId: line.slice(tab + 1).trim(), sql: line.slice(0, tab) };
    });
}

const attackSchema = z.object({
  dialect: z.enum(["postgresql", "mysql", "sqlite"]),
  sql: z.string(),
  /** Optional label (stacked, write_in_cte, function …) for the per-category report. */
  category: z.string().optional(),
});
export type Attack = z.infer<typeof attackSchema>;

/** JSON lines `{"dialect": "postgresql" | "mysql" | "sqlite", "sql": "…", "category"?: "…"}`. */
export async function readAttacks(file: string): Promise<Attack[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((line) => line.trim().length > 0);
  return lines.map((line, index) => {
    const parsed = attackSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}
