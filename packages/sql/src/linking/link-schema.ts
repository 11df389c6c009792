import { tableKey, type DatabaseSchema, type SchemaTable } from "../introspection/database-schema.ts";
import { foreignKeyClosure, foreignKeyGraph } from "./foreign-key-closure.ts";
import { questionTerms, stemmedPhrase, type QuestionTerms } from "./question-terms.ts";
import { scoreSchema, type ScoredColumn, type ScoredTable } from "./score-schema.ts";
import { identifierTokens, splitWords, textTokens } from "./tokenize.ts";
import { cosine } from "./cosine.ts";

/** Turns texts into vectors (any model); used only when a source has embeddings configured. */
export type EmbedTexts = (texts: string[]) => Promise<number[][]>;

export interface LinkSchemaOptions {
  /** Most tables kept, join tables included. Default 10. */
  maxTables?: number;
  /** Most columns kept over all kept tables, keys included. Default 60. */
  maxColumns?: number;
  /** Score a table needs to be linked on its own (0 to 1). Default 0.5. */
  tableThreshold?: number;
  /** Score a non-key column needs to be kept (0 to 1). Default 0.5. */
  columnThreshold?: number;
  /** Optional embedding function: adds semantic similarity to the lexical and value evidence. */
  embed?: EmbedTexts;
  /** Cosine similarity that counts as a full match; lower similarities scale down to 0 at `floor`. */
  embeddingScale?: { floor: number; full: number };
}

export interface LinkedTable {
  /** The table's key (`schema.name` where it has a schema). */
  name: string;
  columns: string[];
  /** Why it is here: `matched` (named, or a value or column of it was), `join` (closure) or `fallback`. */
  reason: "matched" | "join" | "fallback";
  /** What matched, in words, for debugging and the run inspector. */
  evidence: string;
  score: number;
}

export interface LinkedSchema {
  tables: LinkedTable[];
  tablesKept: number;
  tablesTotal: number;
  columnsKept: number;
  columnsTotal: number;
  /** The schema cut down to the kept tables and columns, in the original order: what prompts render. */
  schema: DatabaseSchema;
}

const defaults = { maxTables: 10, maxColumns: 60, tableThreshold: 0.5, columnThreshold: 0.5 } as const;

/** Words of a business term the question uses, and what the term stands for, added as weaker evidence. */
function addBusinessTerms(terms: QuestionTerms, schema: DatabaseSchema): void {
  for (const businessTerm of schema.businessTerms ?? []) {
    const phrase = stemmedPhrase(businessTerm.term);
    if (phrase.trim() === "" || !terms.phrase.includes(phrase)) continue;
    const meaning = [...textTokens(businessTerm.meaning), ...(businessTerm.sql === undefined ? [] : splitWords(businessTerm.sql).flatMap(identifierTokens))];
    for (const token of meaning) if (!terms.tokens.has(token)) terms.extra.set(token, Math.max(terms.extra.get(token) ?? 0, 0.9));
  }
}

/** Linear map of a cosine similarity onto [0, 1]. */
function scaleSimilarity(similarity: number, scale: { floor: number; full: number }): number {
  return Math.max(0, Math.min(1, (similarity - scale.floor) / (scale.full - scale.floor)));
}


async function embeddingScores(question: string, schema: DatabaseSchema, embed: EmbedTexts, scale: { floor: number; full: number }): Promise<Map<string, number>> {
  const keys: string[] = [];
  const texts: string[] = [question];
  for (const table of schema.tables) {
    const key = tableKey(table);
    keys.push(key);
    texts.push([splitWords(table.name).join(" "), table.comment, table.description].filter(Boolean).join(": "));
    for (const column of table.columns) {
      keys.push(`${key}.${column.name}`);
      texts.push([`${splitWords(table.name).join(" ")} ${splitWords(column.name).join(" ")}`, column.comment, column.description].filter(Boolean).join(": "));
    }
  }
  const vectors = await embed(texts);
  const [questionVector, ...rest] = vectors;
  const scores = new Map<string, number>();
  if (questionVector === undefined) return scores;
  keys.forEach((key, index) => {
    const vector = rest[index];
    if (vector !== undefined) scores.set(key, scaleSimilarity(cosine(questionVector, vector), scale));
  });
  return scores;
}

/**
 * A table's own evidence, or the evidence of its columns. A column match counts fully when no other table
 * has a column matching as well (`horsepower` says `cars_data`), and half when the word is spread over
 * several tables; it does not count at all when the words are already explained by a column of a table
 * the question names (in "album titles by artist name", `name` is the artist's, not the genre's).
 */
function tableRelevance(
  table: ScoredTable,
  spread: ReadonlyMap<string, number>,
  claimed: ReadonlySet<string>,
): { score: number; evidence: string; kind: ScoredTable["kind"] } {
  let best = { score: table.score, evidence: table.evidence, kind: table.kind };
  for (const column of table.columns) {
    if (column.kind !== "value" && column.evidence.split(" ").every((word) => claimed.has(word))) continue;
    const share = column.kind === "value" ? 1 : 1 / Math.max(1, spread.get(column.evidence) ?? 1);
    const score = column.score * (0.5 + 0.5 * share) * 0.95;
    if (score > best.score) best = { score, evidence: `${column.column.name} (${column.evidence})`, kind: "column" };
  }
  return best;
}

/** The column that names a row (`name`, `title`, `<table>_name`): asked for whenever a question lists rows. */
function isLabel(table: SchemaTable, column: string): boolean {
  const tokens = identifierTokens(column);
  const last = tokens[tokens.length - 1];
  return (last === "name" || last === "title") && tokens.length <= 1 + identifierTokens(table.name).length;
}

function isKey(table: SchemaTable, column: string): boolean {
  return table.primaryKey.includes(column) || table.foreignKeys.some((foreignKey) => foreignKey.columns.includes(column));
}

/**
 * Picks the tables and columns a question needs, so that the prompt of a small model stays small:
 * lexical matches of table and column names (split, lowercased, plurals folded, common attribute cues),
 * sample values the question quotes, comments and the user's annotations and business terms, optional
 * embedding similarity; then the tables that join the linked ones (shortest foreign-key paths), and the
 * primary and foreign keys of every kept table. Budgets cap the result; without any evidence the best
 * guess is kept rather than nothing.
 */
export async function linkSchema(question: string, schema: DatabaseSchema, options: LinkSchemaOptions = {}): Promise<LinkedSchema> {
  const maxTables = options.maxTables ?? defaults.maxTables;
  const maxColumns = options.maxColumns ?? defaults.maxColumns;
  const tableThreshold = options.tableThreshold ?? defaults.tableThreshold;
  const columnThreshold = options.columnThreshold ?? defaults.columnThreshold;
  const terms = questionTerms(question);
  addBusinessTerms(terms, schema);
  const embedded = options.embed === undefined ? undefined : await embeddingScores(question, schema, options.embed, options.embeddingScale ?? { floor: 0.2, full: 0.6 });
  const scored = scoreSchema(terms, schema, embedded === undefined ? {} : { embeddingScores: embedded });

  const spread = new Map<string, number>();
  for (const table of scored) {
    const seen = new Set(table.columns.filter((column) => column.score >= columnThreshold && column.kind !== "value").map((column) => column.evidence));
    for (const evidence of seen) spread.set(evidence, (spread.get(evidence) ?? 0) + 1);
  }
  // A table half-named by words that fully name another table is not named: in "price of long tracks",
  // `PlaylistTrack` shares "track" with `Track`, which the question names in full.
  const named = new Set(scored.filter((table) => table.score >= 0.99 && table.kind === "name").flatMap((table) => table.evidence.split(" ")));
  for (const table of scored) {
    if (table.kind === "name" && table.score < 0.99 && table.evidence !== "" && table.evidence.split(" ").every((word) => named.has(word))) {
      table.score *= 0.5;
    }
  }
  const claimed = new Set<string>();
  for (const table of scored) {
    if (table.score < tableThreshold) continue;
    for (const column of table.columns) if (column.score >= columnThreshold && column.kind !== "value") for (const word of column.evidence.split(" ")) claimed.add(word);
  }
  const relevance = new Map(scored.map((table) => [table.key, table.score >= tableThreshold ? { score: table.score, evidence: table.evidence, kind: table.kind } : tableRelevance(table, spread, claimed)] as const));
  const scoreOf = (key: string) => relevance.get(key)?.score ?? 0;
  const ranked = [...scored].sort((left, right) => scoreOf(right.key) - scoreOf(left.key));
  let linked = ranked.filter((table) => scoreOf(table.key) >= tableThreshold).slice(0, maxTables).map((table) => table.key);
  const fallback = linked.length === 0;
  if (fallback && ranked[0] !== undefined) linked = [ranked[0].key];

  const graph = foreignKeyGraph(schema);
  const joined = foreignKeyClosure(linked, graph, { maxTables, score: scoreOf });
  const keptKeys = new Set([...linked, ...joined]);
  const byKey = new Map(scored.map((table) => [table.key, table] as const));

  const keys: Array<{ table: string; column: string }> = [];
  const optional: Array<{ table: string; column: ScoredColumn }> = [];
  for (const key of keptKeys) {
    const table = byKey.get(key);
    if (table === undefined) continue;
    for (const column of table.columns) {
      if (isKey(table.table, column.column.name)) keys.push({ table: key, column: column.column.name });
      else if (column.score >= columnThreshold) optional.push({ table: key, column });
      else if (linked.includes(key) && isLabel(table.table, column.column.name)) optional.push({ table: key, column: { ...column, score: columnThreshold } });
    }
  }
  optional.sort((left, right) => right.column.score - left.column.score);
  const keptColumns = new Map<string, Set<string>>([...keptKeys].map((key) => [key, new Set<string>()]));
  for (const { table, column } of keys.slice(0, maxColumns)) keptColumns.get(table)?.add(column);
  for (const { table, column } of optional.slice(0, Math.max(0, maxColumns - keys.length))) keptColumns.get(table)?.add(column.column.name);

  const tables: LinkedTable[] = [];
  const prunedTables: SchemaTable[] = [];
  for (const table of schema.tables) {
    const key = tableKey(table);
    const columns = keptColumns.get(key);
    if (columns === undefined) continue;
    const ordered = table.columns.filter((column) => columns.has(column.name));
    const evidence = relevance.get(key);
    tables.push({
      name: key,
      columns: ordered.map((column) => column.name),
      reason: linked.includes(key) ? (fallback ? "fallback" : "matched") : "join",
      evidence: linked.includes(key) ? (evidence?.evidence ?? "") : "joins linked tables",
      score: Math.round((evidence?.score ?? 0) * 1000) / 1000,
    });
    prunedTables.push({
      ...table,
      columns: ordered,
      foreignKeys: table.foreignKeys.filter((foreignKey) => keptColumns.has(foreignKey.referencedTable) && foreignKey.columns.every((column) => columns.has(column))),
    });
  }
  tables.sort((left, right) => right.score - left.score);
  const columnsTotal = schema.tables.reduce((sum, table) => sum + table.columns.length, 0);
  return {
    tables,
    tablesKept: tables.length,
    tablesTotal: schema.tables.length,
    columnsKept: tables.reduce((sum, table) => sum + table.columns.length, 0),
    columnsTotal,
    schema: { ...schema, tables: prunedTables },
  };
}
