import { answerQuestion, createEmbeddingCache, type SqlChatMessage } from "@tandem/sql";
import type { NodeUsage } from "../../ports/node-usage.ts";
import { defineNode, NodeRunError } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { requireSqlService, sqlResultOutputs } from "../shared/sql-result-outputs.ts";
import { sumUsage } from "../shared/sum-usage.ts";
import { text2sqlSchema } from "./text2sql.schema.ts";

/** Schema and example texts embedded once per model, not once per question. */
const linkingEmbeddings = createEmbeddingCache();

/**
 * Text2SQL through the `sql` port: the source's cached schema, annotations and verified examples come
 * from the runner, the prompt and correction loop from `@tandem/sql` (`answerQuestion`), the model from
 * the gateway (routing, fallbacks, privacy), and every statement runs through the source's guarded
 * connector. When no attempt produced a statement that ran, the node fails with the last error and the
 * attempts in the message; its error strategy decides what follows.
 */
export const text2sqlNode = defineNode(text2sqlSchema, async (config, context) => {
  const sql = requireSqlService(context.services.sql, "Text to SQL");
  const question = valueToText(context.resolve(config.question)).trim();
  if (question === "") throw new Error(`Text to SQL needs a question, but ${config.question.join(".")} is empty.`);
  const source = await sql.describe(config.dataSourceId, { withSchema: true, signal: context.signal });
  if (source.schema === undefined) throw new Error(`The data source "${source.name}" has no schema yet; introspect it first.`);
  const embeddingModel = config.embeddingModel;
  const embed =
    embeddingModel === undefined
      ? undefined
      : linkingEmbeddings.wrap(embeddingModel, async (texts: string[]) => (await context.services.models.embed({ model: embeddingModel, texts, signal: context.signal, private: context.private })).vectors);
  const result = await answerQuestion<NodeUsage>({
    question,
    connector: { execute: (statement, options) => sql.execute(config.dataSourceId, statement, { ...(options?.maxRows === undefined ? {} : { maxRows: options.maxRows }), signal: context.signal }) },
    dialect: source.dialect,
    schema: source.schema,
    ...(source.annotations === undefined ? {} : { annotations: source.annotations }),
    examples: source.examples,
    chat: async (messages: SqlChatMessage[]) => {
      const answer = await context.services.models.chat({ selection: config.model, messages, signal: context.signal, private: context.private });
      return { text: answer.text, usage: answer.usage };
    },
    maxAttempts: config.maxAttempts,
    maxRows: config.maxRows,
    summarize: config.summarize,
    signal: context.signal,
    ...(embed === undefined ? {} : { embed }),
  });
  const attempts = result.attempts.map(({ sql: statement, error, elapsedMs }) => ({ sql: statement, ...(error ? { error } : {}), elapsedMs }));
  const inputs = { question, dataSource: source.name, linkedTables: result.linkedTables.map((table) => table.name), attempts };
  if (!result.ok) {
    const last = result.error;
    // Every attempt stays on the failed execution (inputs), with the tokens the model calls spent.
    throw new NodeRunError(
      `No SQL that answers the question could be run after ${result.attempts.length} attempt${result.attempts.length === 1 ? "" : "s"}` +
        (last ? `; the last failed at the ${last.stage} stage (${last.code}): ${last.message}` : "."),
      { inputs, ...(result.usages.length > 0 ? { usage: sumUsage(result.usages) } : {}) },
    );
  }
  return {
    outputs: { ...sqlResultOutputs(result), attempts, chart: result.chart, summary: result.summary ?? "" },
    inputs,
    ...(result.usages.length > 0 ? { usage: sumUsage(result.usages) } : {}),
  };
});
