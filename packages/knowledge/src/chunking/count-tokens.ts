import { Tiktoken } from "js-tiktoken/lite";
import cl100k_base from "js-tiktoken/ranks/cl100k_base";

/** Built from the ranks bundled in js-tiktoken: nothing is ever downloaded (Tandem runs air-gapped). */
let encoder: Tiktoken | undefined;

/**
 * The cl100k_base token count of `text`. Special-token strings such as "<|endoftext|>" in user
 * documents are counted as ordinary text instead of throwing.
 */
export function countTokens(text: string): number {
  if (text === "") return 0;
  encoder ??= new Tiktoken(cl100k_base);
  return encoder.encode(text, [], []).length;
}
