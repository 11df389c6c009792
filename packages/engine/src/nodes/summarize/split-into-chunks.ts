/**
 * Splits text into chunks of at most `budget` tokens, at the largest boundary that fits: paragraphs,
 * then sentences, then words, and only for a single overlong word, characters. Pieces are packed
 * greedily, so chunks are as full as the budget allows.
 */
export function splitIntoChunks(text: string, budget: number, countTokens: (text: string) => number): string[] {
  const pieces = splitPieces(text.trim(), budget, countTokens, 0);
  const chunks: string[] = [];
  let current: { text: string; tokens: number } | null = null;
  for (const piece of pieces) {
    if (current && current.tokens + piece.tokens + 1 <= budget) {
      current = { text: `${current.text}${piece.separator}${piece.text}`, tokens: current.tokens + piece.tokens + 1 };
      continue;
    }
    if (current) chunks.push(current.text);
    current = { text: piece.text, tokens: piece.tokens };
  }
  if (current && current.text !== "") chunks.push(current.text);
  return chunks;
}

interface Piece {
  text: string;
  tokens: number;
  /** What joined this piece to the previous one in the original text (kept when packing). */
  separator: string;
}

const LEVELS: Array<{ split: RegExp; separator: string }> = [
  { split: /\n\s*\n/, separator: "\n\n" },
  { split: /(?<=[.!?。！？])\s+|\n/, separator: " " },
  { split: /\s+/, separator: " " },
];

function splitPieces(text: string, budget: number, countTokens: (text: string) => number, level: number, separator = "\n\n"): Piece[] {
  if (text === "") return [];
  const tokens = countTokens(text);
  if (tokens <= budget) return [{ text, tokens, separator }];
  const rule = LEVELS[level];
  if (!rule) return splitCharacters(text, budget, countTokens, separator);
  const parts = text.split(rule.split).map((part) => part.trim()).filter((part) => part !== "");
  if (parts.length <= 1) return splitPieces(text, budget, countTokens, level + 1, separator);
  return parts.flatMap((part, index) => splitPieces(part, budget, countTokens, level + 1, index === 0 ? separator : rule.separator));
}

function splitCharacters(text: string, budget: number, countTokens: (text: string) => number, separator: string): Piece[] {
  const pieces: Piece[] = [];
  // Cut at a character length that fits, shrinking until it does (a token is at least one character).
  let rest = text;
  while (rest !== "") {
    let length = Math.min(rest.length, Math.max(1, budget * 4));
    while (length > 1 && countTokens(rest.slice(0, length)) > budget) length = Math.floor(length / 2);
    const slice = rest.slice(0, length);
    pieces.push({ text: slice, tokens: countTokens(slice), separator: pieces.length === 0 ? separator : "" });
    rest = rest.slice(length);
  }
  return pieces;
}
