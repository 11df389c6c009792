import { type SqlDialect } from "../column-family.ts";
import { type QueryResult, type ResultColumn, type SqlConnector } from "../connectors/sql-connector.ts";
import { type DatabaseSchema } from "../introspection/database-schema.ts";
import { applyAnnotations, type SchemaAnnotationsInput } from "../introspection/schema-annotations.ts";
import { linkSchema, type EmbedTexts, type LinkSchemaOptions, type LinkedTable } from "../linking/link-schema.ts";
import { rankExamples } from "../linking/rank-examples.ts";
import { renderSchemaForPrompt } from "../linking/render-schema-for-prompt.ts";
import { isSqlError, type SqlErrorCode } from "../sql-error.ts";
import { buildSqlPrompt, type PreviousAttempt, type SqlChatMessage } from "./build-sql-prompt.ts";
import { extractSql } from "./extract-sql.ts";
import { formatResultTable } from "./format-result-table.ts";
import { suggestChart, type ChartSuggestion } from "./suggest-chart.ts";

/** One model call: the messages in, the answer's text and usage out (the engine wraps its model gateway). */
export type SqlChat<Usage = unknown> = (messages: SqlChatMessage[], call: { purpose: "sql" | "summary"; attempt: number }) => Promise<{ text: string; usage?: Usage }>;

export interface AttemptError {
  /** extract: no SQL in the answer; guard: refused before running; database: the database (or SQL API) failed it. */
  stage: "extract" | "guard" | "database";
  /** `no_sql`, the guard's refusal code, or the connector's `SqlError` code. */
  code: string;
  message: string;
}

export interface SqlAttempt {
  /** The SQL extracted from the answer (empty when none was). */
  sql: string;
  /** The model's answer as written. */
  answer: string;
  error?: AttemptError;
  /** The model call and the statement together. */
  elapsedMs: number;
}

export interface AnswerQuestionInput<Usage = unknown> {
  question: string;
  /** Executes with the guard (every `SqlConnector` does). */
  connector: Pick<SqlConnector, "execute">;
  dialect: SqlDialect;
  schema: DatabaseSchema;
  annotations?: SchemaAnnotationsInput;
  /** Verified question → SQL pairs of the source; the most similar `maxExamples` are shown. */
  examples?: ReadonlyArray<{ question: string; sql: string }>;
  chat: SqlChat<Usage>;
  /** Tries in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Rows returned at most (the source's row cap wins if lower). */
  maxRows?: number;
  /** Few-shot examples shown at most. Default 3. */
  maxExamples?: number;
  /** Adds embedding similarity to schema linking and example ranking. */
  embed?: EmbedTexts;
  linkOptions?: Omit<LinkSchemaOptions, "embed">;
  /** One more chat call that says the answer in a sentence or two from the first rows. */
  summarize?: boolean;
  signal?: AbortSignal;
}

export interface AnswerQuestionResult<Usage = unknown> {
  /** True when a statement ran; false when every attempt failed (see `attempts` and `error`). */
  ok: boolean;
  /** The statement as it ran (after the guard's LIMIT), or the last one tried. */
  sql: string;
  columns: ResultColumn[];
  rows: unknown[][];
  truncated: boolean;
  attempts: SqlAttempt[];
  /** The tables the prompt showed, with why each was kept. */
  linkedTables: LinkedTable[];
  chart: ChartSuggestion;
  summary?: string;
  /** The last attempt's error when `ok` is false. */
  error?: AttemptError;
  /** Every model call's usage, in order. */
  usages: Usage[];
}

/**
 * Errors no rewrite of the SQL can fix: the source is unreachable, misconfigured or closed, or the caller
 * cancelled. They are thrown as they are instead of being fed back to the model.
 */
const fatalCodes: ReadonlySet<SqlErrorCode> = new Set(["connection_failed", "auth_failed", "cancelled", "invalid_config", "closed", "bad_response"]);

const SUMMARY_ROWS = 20;

/**
 * Text2SQL with self-correction: links the schema to the question (lexical, plus embeddings when given),
 * ranks the source's verified examples, asks the model for SQL, extracts it, and runs it through the
 * connector (which guards it: read-only, one statement, row cap, timeout). When the answer holds no SQL,
 * the guard refuses it, or the database fails it, the error goes back to the model with its attempt and
 * it tries again, up to `maxAttempts`. Every attempt is recorded. Connection, auth and cancellation
 * errors are thrown, not retried.
 */
export async function answerQuestion<Usage = unknown>(input: AnswerQuestionInput<Usage>): Promise<AnswerQuestionResult<Usage>> {
  const maxAttempts = Math.max(1, input.maxAttempts ?? 3);
  const annotated = input.annotations === undefined ? input.schema : applyAnnotations(input.schema, input.annotations);
  const linked = await linkSchema(input.question, annotated, { ...input.linkOptions, ...(input.embed === undefined ? {} : { embed: input.embed }) });
  const linkedSchemaText = renderSchemaForPrompt(linked, input.dialect);
  const ranked = input.examples === undefined || input.examples.length === 0 ? [] : await rankExamples(input.question, input.examples, input.maxExamples ?? 3, input.embed === undefined ? {} : { embed: input.embed });
  // Most similar last: the nearest example sits right before the question.
  const examples = ranked.map((entry) => entry.example).reverse();
  const attempts: SqlAttempt[] = [];
  const usages: Usage[] = [];
  const previous: PreviousAttempt[] = [];
  let result: QueryResult | undefined;

  for (let attempt = 1; attempt <= maxAttempts && result === undefined; attempt += 1) {
    input.signal?.throwIfAborted();
    const started = performance.now();
    const messages = buildSqlPrompt({ question: input.question, dialect: input.dialect, linkedSchemaText, examples, previousAttempts: previous, ...(input.maxRows === undefined ? {} : { maxRows: input.maxRows }) });
    const answer = await input.chat(messages, { purpose: "sql", attempt });
    if (answer.usage !== undefined) usages.push(answer.usage);
    const sql = extractSql(answer.text);
    const record: SqlAttempt = { sql: sql ?? "", answer: answer.text, elapsedMs: 0 };
    if (sql === null) {
      record.error = { stage: "extract", code: "no_sql", message: "The answer holds no SQL statement. Answer with one SELECT statement in a ```sql block." };
    } else {
      try {
        result = await input.connector.execute(sql, { ...(input.maxRows === undefined ? {} : { maxRows: input.maxRows }), ...(input.signal === undefined ? {} : { signal: input.signal }) });
      } catch (error) {
        if (!isSqlError(error) || fatalCodes.has(error.code)) throw error;
        record.error =
          error.code === "guard_refused"
            ? { stage: "guard", code: error.details.guardCode ?? error.code, message: error.message }
            : { stage: "database", code: error.code, message: error.message };
      }
    }
    record.elapsedMs = Math.round(performance.now() - started);
    attempts.push(record);
    if (record.error !== undefined) previous.push({ ...(sql === null ? { answer: answer.text } : { sql }), error: record.error.message });
  }

  const linkedTables = linked.tables;
  if (result === undefined) {
    const last = attempts.at(-1);
    return { ok: false, sql: last?.sql ?? "", columns: [], rows: [], truncated: false, attempts, linkedTables, chart: { type: "table" }, ...(last?.error ? { error: last.error } : {}), usages };
  }
  const answered: AnswerQuestionResult<Usage> = {
    ok: true,
    sql: result.sql,
    columns: result.columns,
    rows: result.rows,
    truncated: result.truncated,
    attempts,
    linkedTables,
    chart: suggestChart(result.columns, result.rows),
    usages,
  };
  if (input.summarize === true) {
    const summary = await input.chat(summaryPrompt(input.question, result), { purpose: "summary", attempt: attempts.length });
    if (summary.usage !== undefined) usages.push(summary.usage);
    answered.summary = withoutThink(summary.text);
  }
  return answered;
}

function withoutThink(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, "").replace(/^[\s\S]*<\/think>/i, "").trim();
}

function summaryPrompt(question: string, result: QueryResult): SqlChatMessage[] {
  const shown = Math.min(result.rows.length, SUMMARY_ROWS);
  const size = result.truncated ? `at least ${result.rows.length} rows (cut at the row cap)` : `${result.rows.length} rows`;
  return [
    { role: "system", content: "You answer a question from the result of a database query. Use only the rows given. Answer in one to three plain sentences, in the question's language. Do not mention SQL or tables." },
    { role: "user", content: `Question: ${question.trim()}\n\nResult (${size}${shown < result.rows.length ? `, first ${shown} shown` : ""}):\n${formatResultTable(result.columns, result.rows, { maxRows: SUMMARY_ROWS })}` },
  ];
}
