/**
 * Token counting for sizing prompts and chunks: the same cl100k counter the knowledge package chunks
 * with (bundled ranks, never a download; see @tandem/knowledge's count-tokens.ts), through a subpath
 * that loads the tokenizer alone, not the document parsers. cl100k is a close enough estimate for local
 * models' tokenizers; providers' own usage figures are preferred whenever a response carries them.
 */
export { countTokens } from "@tandem/knowledge/tokens";
