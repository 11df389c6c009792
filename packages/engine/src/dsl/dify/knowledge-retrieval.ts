import type { MetadataOperator } from "@tandem/knowledge/retrieval";
import { knowledgeRetrievalSchema } from "../../nodes/knowledge-retrieval/knowledge-retrieval.schema.ts";
import { asList, asRecord, asSelector, asText, type ConverterContext, type NodeConverter } from "./converter.ts";
import { convertModelSelection } from "./model-selection.ts";

/** Dify's metadata comparison operators as Tandem's (ASCII spellings too). Time values are timestamps. */
const METADATA_OPERATORS: Record<string, MetadataOperator> = {
  contains: "contains",
  "not contains": "not_contains",
  "start with": "starts_with",
  "end with": "ends_with",
  is: "eq",
  "is not": "ne",
  empty: "empty",
  "not empty": "not_empty",
  in: "in",
  "not in": "not_in",
  "=": "eq",
  "==": "eq",
  "≠": "ne",
  "!=": "ne",
  ">": "gt",
  "<": "lt",
  "≥": "gte",
  ">=": "gte",
  "≤": "lte",
  "<=": "lte",
  before: "lt",
  after: "gt",
};

/**
 * Dify's knowledge-retrieval node. Its dataset ids name Dify datasets, which do not exist in Tandem:
 * they are kept (so the editor shows where they were) and each is reported, to be replaced by a Tandem
 * knowledge base. Multi-path retrieval maps onto the settings (top_k, threshold, rerank model or
 * weighted fusion); N-to-1 retrieval becomes multi-path over the same knowledge bases; a manual
 * metadata filter keeps its conditions, `{{#node.output#}}` values included.
 */
export const convertKnowledgeRetrieval: NodeConverter = (data, context) => {
  const knowledgeBaseIds = asList(data.dataset_ids).map((id) => asText(id));
  knowledgeBaseIds.forEach((id, index) => {
    context.report(
      ["dataset_ids", index],
      `Dify dataset ${id} does not exist in Tandem: create a knowledge base from the same documents (or pick an existing one) and select it in this node instead.`,
    );
  });
  if (knowledgeBaseIds.length === 0) context.report(["dataset_ids"], "The node searches no knowledge base; pick one before running the workflow.");

  const config: Record<string, unknown> = {
    query: asSelector(data.query_variable_selector),
    knowledgeBaseIds,
    settings: convertSettings(data, context),
  };
  const filter = convertFilter(data, context);
  if (filter) config.filter = filter;
  return { type: "knowledge-retrieval", version: knowledgeRetrievalSchema.version, config };
};

function convertSettings(data: Record<string, unknown>, context: ConverterContext): Record<string, unknown> {
  if (asText(data.retrieval_mode) === "single") {
    context.report(
      ["retrieval_mode"],
      "N-to-1 retrieval (a model picks one knowledge base per question) is not supported: every knowledge base is searched and the results merged, with each knowledge base's own retrieval settings.",
      "warning",
    );
    return {};
  }
  const multiple = asRecord(data.multiple_retrieval_config);
  const settings: Record<string, unknown> = {};
  const topK = multiple.top_k;
  if (typeof topK === "number" && Number.isFinite(topK)) settings.topK = Math.min(100, Math.max(1, Math.round(topK)));
  const threshold = multiple.score_threshold;
  if (typeof threshold === "number" && Number.isFinite(threshold) && threshold > 0) settings.scoreThreshold = Math.min(1, threshold);

  const mode = asText(multiple.reranking_mode, "reranking_model");
  if (mode === "weighted_score") {
    const weights = asRecord(multiple.weights);
    const weight = (value: unknown, fallback: number): number => (typeof value === "number" && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : fallback);
    settings.fusion = {
      method: "weighted",
      keywordWeight: weight(asRecord(weights.keyword_setting).keyword_weight, 0.3),
      vectorWeight: weight(asRecord(weights.vector_setting).vector_weight, 0.7),
    };
    return settings;
  }
  // Dify reranks unless told not to, when a model is named.
  if (multiple.reranking_enable === false) return settings;
  const reranking = asRecord(multiple.reranking_model);
  const provider = asText(reranking.provider ?? reranking.reranking_provider_name);
  const name = asText(reranking.model ?? reranking.reranking_model_name);
  if (provider === "" || name === "") {
    if (multiple.reranking_enable === true) context.report(["multiple_retrieval_config", "reranking_model"], "Reranking was on but names no model: it was left off; pick a rerank model to turn it on.", "warning");
    return settings;
  }
  const atRerank: ConverterContext = {
    ...context,
    report: (path, message, severity) => context.report(["multiple_retrieval_config", "reranking_model", ...path.slice(1)], message, severity),
  };
  const selection = convertModelSelection({ provider, name }, atRerank);
  const model = asText(selection.model);
  if (model !== "") settings.rerank = { model };
  return settings;
}

function convertFilter(data: Record<string, unknown>, context: ConverterContext): Record<string, unknown> | undefined {
  const mode = asText(data.metadata_filtering_mode, "disabled");
  if (mode === "automatic") {
    context.report(
      ["metadata_filtering_mode"],
      "Automatic metadata filtering (a model writes the filter from the question) is not supported: the node searches without a filter; add conditions by hand if you need them.",
      "warning",
    );
    return undefined;
  }
  if (mode !== "manual") return undefined;
  const source = asRecord(data.metadata_filtering_conditions);
  const conditions = asList(source.conditions).flatMap((item, index) => {
    const entry = asRecord(item);
    const path = ["metadata_filtering_conditions", "conditions", index];
    const dify = asText(entry.comparison_operator).trim();
    const operator = Object.hasOwn(METADATA_OPERATORS, dify) ? METADATA_OPERATORS[dify] : undefined;
    if (!operator) {
      context.report([...path, "comparison_operator"], `The comparison "${dify || "(none)"}" is not supported; this condition was not imported.`);
      return [];
    }
    if ((dify === "before" || dify === "after") && typeof numberFromText(entry.value) === "string" && !asText(entry.value).includes("{{#")) {
      context.report([...path, "value"], `"${dify}" compares timestamps; the value "${asText(entry.value)}" was kept as it is, so check it.`, "warning");
    }
    const condition: Record<string, unknown> = { field: asText(entry.name), operator };
    const value = convertFilterValue(operator, NUMERIC_OPERATORS.has(dify) ? numberFromText(entry.value) : entry.value);
    if (value !== undefined) condition.value = value;
    return [condition];
  });
  if (conditions.length === 0) return undefined;
  return { logic: asText(source.logical_operator) === "or" ? "or" : "and", conditions };
}

/** Dify's operators on numbers and times (timestamps): their values are numbers even when written as text. */
const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(["=", "==", "≠", "!=", ">", "<", "≥", ">=", "≤", "<=", "before", "after"]);

function numberFromText(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return value;
  return Number(value);
}

/** Dify writes numbers as text or numbers, and `in` lists as lists or comma-separated text. */
function convertFilterValue(operator: MetadataOperator, value: unknown): unknown {
  if (operator === "empty" || operator === "not_empty" || value === null || value === undefined) return undefined;
  const scalar = (item: unknown): string | number | boolean => (typeof item === "number" || typeof item === "boolean" ? item : asText(item));
  if (operator === "in" || operator === "not_in") {
    if (Array.isArray(value)) return value.map(scalar);
    return asText(value)
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
  }
  if (Array.isArray(value)) return value.map((item) => asText(item)).join(", ");
  return scalar(value);
}
