import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";

/** Special-token strings in user text are ordinary text: counted, never a reason to throw. */
const ORDINARY_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Token counting with the BPE ranks bundled in gpt-tokenizer: never a download (LangChain's default
 * fetches rank files from the internet and, air-gapped, retries for minutes). cl100k is a close enough
 * estimate for local models' tokenizers when sizing prompts and chunks; providers' own usage figures
 * are preferred whenever a response carries them. The same counter as @tandem/knowledge's chunker.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countCl100k(text, ORDINARY_TEXT);
}
