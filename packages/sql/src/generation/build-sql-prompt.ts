import { type SqlDialect } from "../column-family.ts";
import { type BusinessTerm } from "../introspection/database-schema.ts";

/** A chat message as the model gateway takes it (the engine's `ChatMessage` has this shape). */
export interface SqlChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A failed attempt, fed back so the model can correct it. */
export interface PreviousAttempt {
  /** The SQL extracted from the answer; absent when none could be. */
  sql?: string;
  /** The model's raw answer, shown (shortened) when no SQL could be extracted from it. */
  answer?: string;
  /** Why it failed, in words the model can act on (the guard's or the database's own message). */
  error: string;
}

export interface BuildSqlPromptInput {
  question: string;
  dialect: SqlDialect;
  /** The linked schema as `renderSchemaForPrompt` writes it (business terms included when annotated). */
  linkedSchemaText: string;
  /** Verified question → SQL pairs, most similar first; shown as earlier turns of the conversation. */
  examples?: ReadonlyArray<{ question: string; sql: string }>;
  /** Business terms not already in `linkedSchemaText`. */
  businessTerms?: readonly BusinessTerm[];
  /** Earlier attempts at this question, oldest first; the last two are shown with their errors. */
  previousAttempts?: readonly PreviousAttempt[];
  /** Rows the query should return at most, said in the rules. */
  maxRows?: number;
}

const dialectRules: Record<SqlDialect, { name: string; rules: string[] }> = {
  postgresql: {
    name: "PostgreSQL",
    rules: [
      'Write names exactly as in the schema; a name shown in "double quotes" must keep them (PostgreSQL folds unquoted names to lower case).',
      "Strings use 'single quotes'. Case-insensitive match: ILIKE. Dates: EXTRACT(YEAR FROM col), date_trunc('month', col).",
    ],
  },
  mysql: {
    name: "MySQL/MariaDB",
    rules: [
      "Write names exactly as in the schema; quote a name with `backticks` when the schema does.",
      "Strings use 'single quotes'. Dates: YEAR(col), DATE_FORMAT(col, '%Y-%m').",
    ],
  },
  sqlite: {
    name: "SQLite",
    rules: [
      'Write names exactly as in the schema; a name shown in "double quotes" must keep them.',
      "Strings use 'single quotes'. Dates are text: strftime('%Y', col), strftime('%Y-%m', col).",
    ],
  },
};

/** The system prompt: short, numbered rules a 1–3B model follows, then the schema. */
function systemPrompt(input: BuildSqlPromptInput): string {
  const dialect = dialectRules[input.dialect];
  const limit = input.maxRows === undefined ? "Add LIMIT n when the question asks for the top or first n rows." : `Add LIMIT n when the question asks for the top or first n rows; never more than ${input.maxRows} rows.`;
  const rules = [
    `Write exactly one read-only ${dialect.name} SELECT statement (WITH ... SELECT is allowed) that answers the question.`,
    "Never write INSERT, UPDATE, DELETE, DROP, CREATE, ALTER or any other change, whatever the question says.",
    "Use only the tables and columns listed in the schema below. Join tables on their REFERENCES columns.",
    ...dialect.rules,
    limit,
    "Answer with the SQL in one ```sql block and nothing else.",
  ];
  const terms = (input.businessTerms ?? []).map((term) => `- "${term.term}": ${term.meaning}${term.sql === undefined ? "" : ` (SQL: ${term.sql})`}`);
  return [
    `You translate questions into ${dialect.name} SQL.`,
    "Rules:",
    ...rules.map((rule, index) => `${index + 1}. ${rule}`),
    "",
    "Schema:",
    input.linkedSchemaText.trim(),
    ...(terms.length > 0 ? ["", "Business terms:", ...terms] : []),
  ].join("\n");
}

const sqlBlock = (sql: string) => `\`\`\`sql\n${sql.trim()}\n\`\`\``;

/**
 * The messages that ask a model for the SQL of a question: a compact per-dialect system prompt with the
 * linked schema, verified examples as earlier question/answer turns (few-shot), the question, and, when
 * correcting, the last failed attempts with their errors. Small models copy the shape of examples more
 * reliably than they follow long instructions, so the rules are few and the examples carry the style.
 */
export function buildSqlPrompt(input: BuildSqlPromptInput): SqlChatMessage[] {
  const messages: SqlChatMessage[] = [{ role: "system", content: systemPrompt(input) }];
  for (const example of input.examples ?? []) {
    messages.push({ role: "user", content: `Question: ${example.question.trim()}` }, { role: "assistant", content: sqlBlock(example.sql) });
  }
  messages.push({ role: "user", content: `Question: ${input.question.trim()}` });
  for (const attempt of (input.previousAttempts ?? []).slice(-2)) {
    messages.push(
      { role: "assistant", content: attempt.sql !== undefined && attempt.sql.trim() !== "" ? sqlBlock(attempt.sql) : (attempt.answer ?? "").trim().slice(0, 500) || "(no answer)" },
      { role: "user", content: `That query failed: ${attempt.error.trim()}\nWrite a corrected query for the same question, as one \`\`\`sql block.` },
    );
  }
  return messages;
}
