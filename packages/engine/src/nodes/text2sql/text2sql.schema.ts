import { z } from "zod";
import { modelField, modelReferenceField } from "../../schema/model-field.ts";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";
import { sqlResultOutputDeclarations } from "../shared/sql-result-declarations.ts";

export const text2sqlConfigSchema = z.object({
  /** The workspace data source to ask. */
  dataSourceId: z.string().uuid("pick a data source (its id is a UUID)"),
  /** The question, usually `["start", "query"]` or `["sys", "query"]`. */
  question: selector({ accepts: ["string"] }),
  /** The model that writes the SQL (and the summary); a private workflow's must be local. */
  model: modelField(),
  /**
   * An embedding model (`provider:model`) that adds meaning to schema linking and to choosing verified
   * examples, beyond matching words; a private workflow's must be local. Without it, linking is lexical.
   */
  embeddingModel: modelReferenceField().optional(),
  /** Tries in all: a failed statement's error goes back to the model for a corrected one. */
  maxAttempts: z.number().int().min(1).max(5).default(3),
  /** Rows returned at most; the data source's row cap wins if lower. */
  maxRows: z.number().int().min(1).max(10_000).default(100),
  /** One more model call that states the answer in a sentence or two from the first rows. */
  summarize: z.boolean().default(false),
});
export type Text2sqlConfig = z.infer<typeof text2sqlConfigSchema>;

export const text2sqlSchema = defineNodeSchema({
  type: "text2sql",
  version: 1,
  title: "Text to SQL",
  description: "Ask a database a question in plain language: a model writes read-only SQL, Tandem checks and runs it, and corrects it on errors.",
  category: "data",
  config: text2sqlConfigSchema,
  outputs: () => [
    ...sqlResultOutputDeclarations,
    { name: "attempts", type: "array[object]", description: "Every try: { sql, error?: { stage: extract | guard | database, code, message }, elapsedMs }." },
    { name: "chart", type: "object", description: "A chart that fits the result's shape: { type: bar | line | pie | table, x?, y? }." },
    { name: "summary", type: "string", description: "The answer in plain words (empty unless summarize is on)." },
  ],
  pure: false,
});
