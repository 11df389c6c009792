import { countTokens } from "./count-tokens.ts";

/** A half-open range [start, end) of UTF-16 offsets into one text. */
export interface TextRange {
  start: number;
  end: number;
}

/** Offsets of code-point starts in [start, end), so cuts never fall inside a surrogate pair. */
function codePointOffsets(text: string, start: number, end: number): number[] {
  const offsets: number[] = [];
  for (let offset = start; offset < end; ) {
    offsets.push(offset);
    const code = text.codePointAt(offset) ?? 0;
    offset += code > 0xffff ? 2 : 1;
  }
  return offsets;
}

/**
 * Cuts a range with no usable separator into pieces of at most `maxTokens`, each as long as
 * possible, at code-point boundaries (binary search on the prefix's real token count).
 */
export function hardSplit(text: string, range: TextRange, maxTokens: number): TextRange[] {
  const offsets = codePointOffsets(text, range.start, range.end);
  const pieces: TextRange[] = [];
  let first = 0;
  while (first < offsets.length) {
    const start = offsets[first] ?? range.end;
    let low = first + 1;
    let high = offsets.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const end = offsets[middle] ?? range.end;
      if (countTokens(text.slice(start, end)) <= maxTokens) low = middle;
      else high = middle - 1;
    }
    pieces.push({ start, end: offsets[low] ?? range.end });
    first = low;
  }
  return pieces;
}

/** Splits after each occurrence of `separator` (the separator stays with the piece before it). */
function splitOn(text: string, range: TextRange, separator: string): TextRange[] {
  const pieces: TextRange[] = [];
  let start = range.start;
  for (let found = text.indexOf(separator, start); found !== -1 && found < range.end; ) {
    const end = Math.min(found + separator.length, range.end);
    if (end < range.end) pieces.push({ start, end });
    start = end;
    found = text.indexOf(separator, start);
  }
  pieces.push({ start, end: range.end });
  return pieces;
}

/**
 * Recursive splitting: try each separator in order, recursing into pieces still over `maxTokens`
 * with the finer separators, and hard-split by tokens when none is left. The pieces are contiguous
 * and cover the whole range.
 */
export function splitRecursively(text: string, range: TextRange, separators: readonly string[], maxTokens: number): TextRange[] {
  if (countTokens(text.slice(range.start, range.end)) <= maxTokens) return [range];
  for (const [index, separator] of separators.entries()) {
    const pieces = splitOn(text, range, separator);
    if (pieces.length < 2) continue;
    const finer = separators.slice(index + 1);
    return pieces.flatMap((piece) => splitRecursively(text, piece, finer, maxTokens));
  }
  return hardSplit(text, range, maxTokens);
}

/**
 * The earliest start inside `previous` such that text[start, previous.end) has at most `budget`
 * tokens, preferring positions just after a separator; falls back to code points (Chinese text
 * without separators). Returns previous.end when nothing fits.
 */
export function overlapStart(text: string, previous: TextRange, separators: readonly string[], budget: number): number {
  if (budget <= 0) return previous.end;
  const fits = (start: number): boolean => countTokens(text.slice(start, previous.end)) <= budget;
  const boundaries = new Set<number>();
  for (const separator of separators) {
    for (const piece of splitOn(text, previous, separator)) if (piece.start > previous.start) boundaries.add(piece.start);
  }
  const candidates = [...boundaries].sort((left, right) => left - right);
  const earliest = (positions: readonly number[]): number | undefined => {
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (fits(positions[middle] ?? previous.end)) high = middle;
      else low = middle + 1;
    }
    return positions[low];
  };
  const atSeparator = earliest(candidates);
  if (atSeparator !== undefined && atSeparator < previous.end) return atSeparator;
  const lastBoundary = candidates.at(-1) ?? previous.start;
  return earliest(codePointOffsets(text, lastBoundary, previous.end)) ?? previous.end;
}
