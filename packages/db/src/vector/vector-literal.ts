/** Formats an embedding as a pgvector literal (`[0.1,0.2,…]`) for a `$1::vector` parameter. */
export function toVectorLiteral(values: readonly number[]): string {
  if (values.length === 0) throw new RangeError("An embedding needs at least one dimension.");
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError("An embedding may only contain finite numbers.");
  }
  return `[${values.join(",")}]`;
}
