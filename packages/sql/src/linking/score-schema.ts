import { tableKey, type DatabaseSchema, type SchemaColumn, type SchemaTable } from "../introspection/database-schema.ts";
import { tokenMatch, type QuestionTerms } from "./question-terms.ts";
import { identifierTokens, questionStopwords, splitWords, stemToken, textTokens } from "./tokenize.ts";

/** Why a table or column was scored: which kind of evidence gave its score. */
export type MatchKind = "name" | "value" | "description" | "embedding" | "column" | "none";

export interface ScoredColumn {
  column: SchemaColumn;
  score: number;
  kind: MatchKind;
  /** The question words or value that matched, for the linker's `reason`. */
  evidence: string;
}

export interface ScoredTable {
  key: string;
  table: SchemaTable;
  score: number;
  kind: MatchKind;
  evidence: string;
  columns: ScoredColumn[];
}

/** Similarities from the optional embedding pass, keyed `table` and `table.column`, in [0, 1]. */
export type EmbeddingScores = ReadonlyMap<string, number>;

/** Content words of an identifier; all of its words when every one is a stopword. */
function contentTokens(identifier: string): string[] {
  const tokens = identifierTokens(identifier);
  const content = tokens.filter((token) => !questionStopwords.has(token));
  return content.length > 0 ? content : tokens;
}

/**
 * The share of an identifier's words the question names. Words in `context` (the table's own name, for a
 * column) are left out of the share unless they are all the identifier has: `pet_age` in table `pets` is
 * asked for by "the youngest dog" as much as `age` would be.
 */
function identifierScore(identifier: string, terms: QuestionTerms, context: ReadonlySet<string> = new Set()): { score: number; evidence: string } {
  const whole = stemToken(splitWords(identifier).join(""));
  if (whole.length > 3 && (terms.tokens.has(whole) || terms.glued.has(whole))) return { score: 1, evidence: whole };
  const tokens = contentTokens(identifier);
  const own = tokens.filter((token) => !context.has(token));
  const counted = own.length > 0 ? own : tokens;
  let total = 0;
  const evidence: string[] = [];
  for (const token of counted) {
    const match = tokenMatch(token, terms);
    total += match.weight;
    if (match.weight > 0) evidence.push(match.via);
  }
  return { score: counted.length === 0 ? 0 : total / counted.length, evidence: evidence.join(" ") };
}

/** Evidence from free text (comments, annotations): any of its words named counts, up to three. */
function describedScore(text: string | undefined, terms: QuestionTerms): { score: number; evidence: string } {
  if (text === undefined || text.trim() === "") return { score: 0, evidence: "" };
  const tokens = [...new Set(textTokens(text))];
  let total = 0;
  const evidence: string[] = [];
  for (const token of tokens) {
    if (!terms.tokens.has(token) && !terms.extra.has(token)) continue;
    total += terms.tokens.has(token) ? 1 : (terms.extra.get(token) ?? 0);
    evidence.push(token);
  }
  return { score: Math.min(1, total / Math.min(tokens.length, 3)), evidence: evidence.join(" ") };
}

/**
 * A sample value the question quotes, as a phrase ("in France", "protected AAC audio files") or as one
 * stemmed word ("dogs"); the longest quoted value is the evidence.
 */
function valueScore(column: SchemaColumn, terms: QuestionTerms): { score: number; evidence: string } {
  let best = { score: 0, evidence: "", length: 0 };
  for (const value of column.sampleValues ?? []) {
    const words = splitWords(value);
    if (words.length === 0 || words.every((word) => questionStopwords.has(word) || word.length < 2)) continue;
    if (words.length === 1 && words[0] !== undefined && words[0].length < 3 && !/\d/.test(words[0])) continue;
    if (terms.phrase.includes(` ${words.map(stemToken).join(" ")} `)) {
      if (best.score < 1 || words.length > best.length) best = { score: 1, evidence: value, length: words.length };
    } else if (words.length === 1 && words[0] !== undefined && terms.tokens.has(stemToken(words[0])) && best.score < 0.9) {
      best = { score: 0.9, evidence: value, length: 1 };
    }
  }
  return { score: best.score, evidence: best.evidence };
}

export interface ScoreOptions {
  embeddingScores?: EmbeddingScores;
}

/** Scores every table and column of the schema against the question. Pure and synchronous. */
export function scoreSchema(terms: QuestionTerms, schema: DatabaseSchema, options: ScoreOptions = {}): ScoredTable[] {
  const scored = schema.tables.map((table): ScoredTable => {
    const key = tableKey(table);
    const tableTokens = new Set(contentTokens(table.name));
    const columns = table.columns.map((column): ScoredColumn => {
      const candidates: Array<{ score: number; kind: MatchKind; evidence: string }> = [];
      const byName = identifierScore(column.name, terms, tableTokens);
      candidates.push({ ...byName, kind: "name" });
      const byValue = valueScore(column, terms);
      candidates.push({ ...byValue, kind: "value" });
      const described = describedScore([column.comment, column.description].filter(Boolean).join(" "), terms);
      candidates.push({ score: described.score * 0.8, evidence: described.evidence, kind: "description" });
      const embedded = options.embeddingScores?.get(`${key}.${column.name}`);
      if (embedded !== undefined) candidates.push({ score: embedded, kind: "embedding", evidence: "embedding" });
      const best = candidates.reduce((left, right) => (right.score > left.score ? right : left));
      return { column, score: best.score, kind: best.score > 0 ? best.kind : "none", evidence: best.evidence };
    });
    const byName = identifierScore(table.name, terms);
    const described = describedScore([table.comment, table.description].filter(Boolean).join(" "), terms);
    const embedded = options.embeddingScores?.get(key) ?? 0;
    const candidates: Array<{ score: number; kind: MatchKind; evidence: string }> = [
      { ...byName, kind: "name" },
      { score: described.score * 0.8, evidence: described.evidence, kind: "description" },
      { score: embedded, evidence: "embedding", kind: "embedding" },
    ];
    const best = candidates.reduce((left, right) => (right.score > left.score ? right : left));
    return { key, table, score: best.score, kind: best.score > 0 ? best.kind : "none", evidence: best.evidence, columns };
  });
  return scored;
}
