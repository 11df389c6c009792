import { readItemKey } from "./read-item-key.ts";

/** Type order for lists of mixed types, so the result does not depend on the input's order. */
function typeRank(value: unknown): number {
  if (typeof value === "number") return 0;
  if (typeof value === "string") return 1;
  if (typeof value === "boolean") return 2;
  if (Array.isArray(value)) return 3;
  return 4;
}

function compareSortValues(left: unknown, right: unknown): number {
  const rankDifference = typeRank(left) - typeRank(right);
  if (rankDifference !== 0) return rankDifference;
  if (typeof left === "number" && typeof right === "number") return left - right;
  if (typeof left === "boolean" && typeof right === "boolean") return Number(left) - Number(right);
  // Text by code point, not locale, so the order is the same on every machine (and as in Dify's Python).
  const leftText = typeof left === "string" ? left : JSON.stringify(left);
  const rightText = typeof right === "string" ? right : JSON.stringify(right);
  return leftText < rightText ? -1 : leftText > rightText ? 1 : 0;
}

/**
 * A sorted copy, stable (equal items keep their order, in both directions). Items whose key is missing
 * (null or undefined) go last in both directions.
 */
export function sortItems(items: readonly unknown[], key: string | undefined, order: "asc" | "desc"): unknown[] {
  const direction = order === "asc" ? 1 : -1;
  return [...items].sort((leftItem, rightItem) => {
    const left = readItemKey(leftItem, key);
    const right = readItemKey(rightItem, key);
    const leftMissing = left === undefined || left === null;
    const rightMissing = right === undefined || right === null;
    if (leftMissing || rightMissing) return Number(leftMissing) - Number(rightMissing);
    return direction * compareSortValues(left, right);
  });
}
