import type { RetrievedChunk, RetrieverName } from "@tandem/knowledge/retrieval";

/**
 * One hit as Dify's knowledge-retrieval node outputs it (`{ content, title, metadata }`), so imported
 * workflows, templates and code nodes that read `result[0].metadata.document_name` keep working.
 */
export interface RetrievalResultItem {
  /** The chunk's text (in parent-child mode, the parent's). */
  content: string;
  /** The document's name. */
  title: string;
  metadata: {
    /** Dify marks knowledge hits so; its LLM node looks for it. */
    _source: "knowledge";
    /** 1-based rank: the `[n]` of this chunk in the context. */
    position: number;
    dataset_id: string;
    dataset_name: string;
    document_id: string;
    document_name: string;
    segment_id: string;
    /** Position of the chunk in its document, from 0. */
    segment_position: number;
    score: number;
    retrievers: RetrieverName[];
    page?: number;
    heading?: string[];
    /** In parent-child mode, the child chunk that matched the query. */
    matched_content?: string;
    /** The chunk's other metadata (tags, custom fields). */
    doc_metadata?: Record<string, unknown>;
  };
}

/** What the `[index]` marker in the context refers to. */
export interface RetrievalCitation {
  index: number;
  document_id: string;
  document_name: string;
  segment_id: string;
  score: number;
  content: string;
  matched_content?: string;
  page?: number;
}

/** The knowledge-retrieval node's outputs. */
export interface KnowledgeRetrievalOutputs {
  result: RetrievalResultItem[];
  context: string;
  /** One per chunk in `context` (those left out by the token budget are in `result` only). */
  citations: RetrievalCitation[];
}

export interface FormatOptions {
  /** The most tokens the context may hold. The first chunk is always there, cut to fit if it must be. */
  maxTokens: number;
  countTokens(text: string): number;
}

/**
 * The hits (best first) as the node's outputs. The context is the best chunks as numbered blocks,
 *
 *     [1] Handbook.pdf (page 3; Leave > Parental leave)
 *     Parental leave is sixteen weeks…
 *
 * added whole while they fit the token budget, so an answer's `[n]` points at `citations[n - 1]` and at
 * `result[n - 1]`.
 */
export function formatRetrievalOutputs(hits: readonly RetrievedChunk[], options: FormatOptions): KnowledgeRetrievalOutputs {
  const result = hits.map((hit, index) => toResultItem(hit, index + 1));
  const blocks: string[] = [];
  const citations: RetrievalCitation[] = [];
  let used = 0;
  for (const [index, hit] of hits.entries()) {
    let block = contextBlock(index + 1, hit, hit.text);
    const tokens = options.countTokens(block);
    if (used + tokens > options.maxTokens) {
      if (blocks.length > 0) break;
      const room = Math.max(0, options.maxTokens - options.countTokens(contextBlock(index + 1, hit, "")));
      block = contextBlock(index + 1, hit, cutToBudget(hit.text, options.countTokens(hit.text), room));
    }
    used += tokens;
    blocks.push(block);
    citations.push(toCitation(index + 1, hit));
  }
  return { result, context: blocks.join("\n\n"), citations };
}

function toResultItem(hit: RetrievedChunk, position: number): RetrievalResultItem {
  const { page, heading, ...rest } = hit.metadata;
  const metadata: RetrievalResultItem["metadata"] = {
    _source: "knowledge",
    position,
    dataset_id: hit.knowledgeBaseId,
    dataset_name: hit.knowledgeBaseName,
    document_id: hit.documentId,
    document_name: hit.documentName,
    segment_id: hit.chunkId,
    segment_position: hit.position,
    score: hit.score,
    retrievers: hit.retrievers,
  };
  if (page !== undefined) metadata.page = page;
  if (heading !== undefined && heading.length > 0) metadata.heading = heading;
  if (hit.matchedText !== undefined && hit.matchedText !== hit.text) metadata.matched_content = hit.matchedText;
  if (Object.keys(rest).length > 0) metadata.doc_metadata = rest;
  return { content: hit.text, title: hit.documentName, metadata };
}

function toCitation(index: number, hit: RetrievedChunk): RetrievalCitation {
  const citation: RetrievalCitation = {
    index,
    document_id: hit.documentId,
    document_name: hit.documentName,
    segment_id: hit.chunkId,
    score: hit.score,
    content: hit.text,
  };
  if (hit.matchedText !== undefined && hit.matchedText !== hit.text) citation.matched_content = hit.matchedText;
  if (hit.metadata.page !== undefined) citation.page = hit.metadata.page;
  return citation;
}

/** `[n] Document (page p; Heading > Subheading)`, then the text. */
function contextBlock(index: number, hit: RetrievedChunk, text: string): string {
  const details: string[] = [];
  if (hit.metadata.page !== undefined) details.push(`page ${hit.metadata.page}`);
  const heading = hit.metadata.heading?.filter((part) => part.trim() !== "");
  if (heading && heading.length > 0) details.push(heading.join(" > "));
  const header = `[${index}] ${hit.documentName}${details.length > 0 ? ` (${details.join("; ")})` : ""}`;
  return `${header}\n${text.trim()}`;
}

/** Shortens text in proportion to the budget (token counts are close to linear in length), at a word boundary. */
function cutToBudget(text: string, tokens: number, budget: number): string {
  const keep = Math.max(0, Math.floor((text.length * budget) / Math.max(tokens, 1)) - 1);
  const cut = text.slice(0, keep);
  const boundary = cut.search(/\s\S*$/);
  return `${boundary > keep / 2 ? cut.slice(0, boundary) : cut}…`;
}
