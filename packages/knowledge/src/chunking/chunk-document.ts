import type { ParsedDocument } from "../documents/parsed-document.ts";
import { chunkSettingsSchema, type ChunkSettingsInput } from "./chunk-settings.ts";
import { countTokens } from "./count-tokens.ts";
import { overlapStart, splitRecursively, type TextRange } from "./split-text.ts";

export interface ChunkMetadata {
  page?: number;
  heading?: string[];
  /** Offsets of `text` in `ParsedDocument.text`: text === document.text.slice(start, end). */
  start: number;
  end: number;
}

export interface Chunk {
  /** Order in the returned list, from 0. */
  position: number;
  text: string;
  /** cl100k_base tokens in `text`. */
  tokenCount: number;
  metadata: ChunkMetadata;
  /** Parent-child mode: the position of the parent chunk this child belongs to. */
  parentPosition?: number;
}

interface Segment extends TextRange {
  page?: number;
  heading?: string[];
}

interface SplitOptions {
  separators: readonly string[];
  maxTokens: number;
  overlapTokens: number;
}

/** Consecutive sections with the same page and heading path are chunked together; others never mix. */
function segmentsOf(document: ParsedDocument): Segment[] {
  const segments: Segment[] = [];
  let previousKey: string | undefined;
  for (const section of document.sections) {
    const key = JSON.stringify([section.page ?? null, section.heading ?? null]);
    const end = section.position + section.text.length;
    const last = segments.at(-1);
    if (last !== undefined && key === previousKey) last.end = end;
    else {
      segments.push({
        start: section.position,
        end,
        ...(section.page === undefined ? {} : { page: section.page }),
        ...(section.heading === undefined ? {} : { heading: section.heading }),
      });
    }
    previousKey = key;
  }
  return segments;
}

/** Splits one range into contiguous, possibly overlapping ranges of at most maxTokens each. */
function splitRange(text: string, range: TextRange, options: SplitOptions): TextRange[] {
  const pieces = splitRecursively(text, range, options.separators, options.maxTokens);
  const ranges: TextRange[] = [];
  let current: TextRange | undefined;
  for (const piece of pieces) {
    if (current === undefined) {
      current = { ...piece };
      continue;
    }
    if (countTokens(text.slice(current.start, piece.end)) <= options.maxTokens) {
      current.end = piece.end;
      continue;
    }
    ranges.push(current);
    const budget = Math.min(options.overlapTokens, options.maxTokens - countTokens(text.slice(piece.start, piece.end)));
    let start = overlapStart(text, current, options.separators, budget);
    if (countTokens(text.slice(start, piece.end)) > options.maxTokens) start = piece.start;
    current = { start, end: piece.end };
  }
  if (current !== undefined) ranges.push(current);
  return ranges;
}

/** Trims whitespace off a range, moving its offsets with it; undefined when nothing is left. */
function trimmed(text: string, range: TextRange): TextRange | undefined {
  const slice = text.slice(range.start, range.end);
  const start = range.start + (slice.length - slice.trimStart().length);
  const end = range.end - (slice.length - slice.trimEnd().length);
  return start < end ? { start, end } : undefined;
}

function chunksOf(document: ParsedDocument, segments: readonly Segment[], options: SplitOptions): Omit<Chunk, "position">[] {
  return segments.flatMap((segment) =>
    splitRange(document.text, segment, options).flatMap((range) => {
      const kept = trimmed(document.text, range);
      if (kept === undefined) return [];
      const text = document.text.slice(kept.start, kept.end);
      const metadata: ChunkMetadata = {
        ...(segment.page === undefined ? {} : { page: segment.page }),
        ...(segment.heading === undefined ? {} : { heading: segment.heading }),
        start: kept.start,
        end: kept.end,
      };
      return [{ text, tokenCount: countTokens(text), metadata }];
    }),
  );
}

/**
 * Cuts a parsed document into chunks of at most `maxTokens` cl100k tokens, splitting recursively by
 * the separators and never mixing pages or heading sections. General mode overlaps consecutive
 * chunks by up to `overlapTokens`. Parent-child mode returns the parents first (positions 0…P-1),
 * then every parent's children, each child carrying its parent's position.
 */
export function chunkDocument(document: ParsedDocument, settings: ChunkSettingsInput): Chunk[] {
  const parsed = chunkSettingsSchema.parse(settings);
  const segments = segmentsOf(document);
  if (parsed.mode === "general") {
    return chunksOf(document, segments, parsed).map((chunk, position) => ({ position, ...chunk }));
  }
  const parents = chunksOf(document, segments, { ...parsed.parent, overlapTokens: 0 }).map((chunk, position) => ({
    position,
    ...chunk,
  }));
  const children: Chunk[] = [];
  for (const parent of parents) {
    const segment: Segment = { ...parent.metadata };
    for (const child of chunksOf(document, [segment], { ...parsed.child, overlapTokens: 0 })) {
      children.push({ position: parents.length + children.length, ...child, parentPosition: parent.position });
    }
  }
  return [...parents, ...children];
}
