/**
 * Deterministic "embeddings" by feature hashing: each lower-cased word is hashed (FNV-1a) into one of
 * `dimensions` buckets with a sign, and the vector is L2-normalised. Texts sharing words get similar
 * vectors, so retrieval tests rank sensibly without a model.
 */

const wordPattern = /[\p{L}\p{N}]+/gu;

function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < word.length; index++) {
    hash ^= word.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The hashing embedding of `text`; an empty text gets the first unit vector, so cosine stays defined. */
export function hashingEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const match of text.toLowerCase().matchAll(wordPattern)) {
    const hash = fnv1a(match[0]);
    const bucket = hash % dimensions;
    // The top bit is independent of the low bits that pick the bucket, so it makes a fair sign.
    vector[bucket] = (vector[bucket] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  let squares = 0;
  for (const value of vector) squares += value * value;
  if (squares === 0) {
    vector[0] = 1;
    return vector;
  }
  const norm = Math.sqrt(squares);
  return vector.map((value) => value / norm);
}

/** Encodes a vector as base64 little-endian float32, OpenAI's `encoding_format: "base64"`. */
export function embeddingToBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

/** Cosine similarity of two equal-length vectors (for tests and callers checking ranking). */
export function cosineSimilarity(left: readonly number[], right: readonly number[]): number {
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  return leftSquares === 0 || rightSquares === 0 ? 0 : dot / Math.sqrt(leftSquares * rightSquares);
}
