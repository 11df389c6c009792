import { Tiktoken } from "js-tiktoken/lite";
import cl100k_base from "js-tiktoken/ranks/cl100k_base";

/**
 * Token counting with the BPE ranks bundled in js-tiktoken: never a download (LangChain's default
 * fetches rank files from the internet and, air-gapped, retries for minutes). cl100k is a close enough
 * estimate for local models' tokenizers when sizing prompts and chunks; providers' own usage figures
 * are preferred whenever a response carries them.
 */
let encoding: Tiktoken | null = null;

export function encodingForText(): Tiktoken {
  encoding ??= new Tiktoken(cl100k_base);
  return encoding;
}

export function countTokens(text: string): number {
  return text.length === 0 ? 0 : encodingForText().encode(text).length;
}
