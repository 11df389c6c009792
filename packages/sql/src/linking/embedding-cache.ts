import type { EmbedTexts } from "./link-schema.ts";

export interface EmbeddingCacheOptions {
  /** Most vectors kept, over every model; the least recently used go first. Default 10,000. */
  maxEntries?: number;
}

/**
 * Vectors of texts already embedded, per model, least recently used dropped first. Schema linking embeds
 * every table and column of a source with each question; with this in front only the question (and a
 * schema that changed) reaches the model. Vectors are kept as Float32Array: 10,000 of 768 dimensions
 * take about 30 MB.
 */
export function createEmbeddingCache(options: EmbeddingCacheOptions = {}) {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`maxEntries must be a positive integer, not ${maxEntries}`);
  const entries = new Map<string, Float32Array>();

  const remember = (key: string, vector: readonly number[]) => {
    entries.delete(key);
    entries.set(key, Float32Array.from(vector));
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };

  return {
    /** `embed` for one model (`model` names it in the cache), sending the model only the texts not cached. */
    wrap(model: string, embed: EmbedTexts): EmbedTexts {
      return async (texts) => {
        const keys = texts.map((text) => `${model}\u0000${text}`);
        const vectors: Array<number[] | undefined> = keys.map((key) => {
          const cached = entries.get(key);
          if (cached === undefined) return undefined;
          entries.delete(key);
          entries.set(key, cached); // Most recently used last.
          return Array.from(cached);
        });
        const missing = [...new Set(texts.filter((_text, index) => vectors[index] === undefined))];
        if (missing.length > 0) {
          const fresh = await embed(missing);
          if (fresh.length !== missing.length) throw new Error(`The embedding model returned ${fresh.length} vectors for ${missing.length} texts.`);
          const byText = new Map(missing.map((text, index) => [text, fresh[index] ?? []]));
          texts.forEach((text, index) => {
            if (vectors[index] !== undefined) return;
            const vector = byText.get(text) ?? [];
            vectors[index] = vector;
            remember(keys[index] ?? "", vector);
          });
        }
        return vectors.map((vector) => vector ?? []);
      };
    },
    get size() {
      return entries.size;
    },
  };
}

export type EmbeddingCache = ReturnType<typeof createEmbeddingCache>;
