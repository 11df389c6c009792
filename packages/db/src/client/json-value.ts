import type { Prisma } from "../generated/prisma/client.ts";

export type JsonInput = Prisma.InputJsonValue;

/**
 * Makes any value storable in a JSON column: undefined fields dropped, dates as ISO strings, anything
 * else that is not JSON turned into its JSON form (the same as JSON.stringify would write).
 */
export function toJsonInput(value: unknown): JsonInput {
  return JSON.parse(JSON.stringify(value ?? null) ?? "null") as JsonInput;
}
