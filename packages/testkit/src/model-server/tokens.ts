/**
 * Approximate tokenisation for the scripted model server: one token per word, which is close enough for
 * usage numbers and stream pacing without a real tokenizer.
 */

const tokenPattern = /\s*\S+\s*$|\s*\S+|\s+$/g;

/**
 * Splits text into stream tokens, one per word, each carrying the whitespace before it (as OpenAI's
 * tokens do), so that joining the tokens gives back the text exactly. Trailing whitespace stays with
 * the last word.
 */
export function splitIntoTokens(text: string): string[] {
  return text.match(tokenPattern) ?? [];
}

/** Counts whitespace-separated words without allocating; never less than 1, as a real tokenizer would report. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const isSpace = code === 32 || (code >= 9 && code <= 13) || code === 160;
    if (isSpace) inWord = false;
    else if (!inWord) {
      inWord = true;
      count++;
    }
  }
  return Math.max(count, 1);
}

/** Splits a tool call's JSON arguments into pieces, as providers stream them. */
export function splitArguments(argumentsJson: string, pieceLength = 8): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < argumentsJson.length; start += pieceLength) {
    pieces.push(argumentsJson.slice(start, start + pieceLength));
  }
  return pieces;
}
