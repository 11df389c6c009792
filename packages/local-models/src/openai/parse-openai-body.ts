import type { z } from "zod";
import { LocalModelError } from "../local-model-error.ts";

/** Parses a JSON body (already parsed, or the raw text) with `schema`; failures are `invalid_request` errors naming the field. */
export function parseOpenAiBody<Schema extends z.ZodTypeAny>(schema: Schema, body: unknown): z.infer<Schema> {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      throw new LocalModelError("invalid_request", "The request body is not valid JSON.");
    }
  }
  if (value === undefined || value === null || value === "") {
    throw new LocalModelError("invalid_request", "The request needs a JSON body.");
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.infer<Schema>; // safeParse's data is typed loosely for generic schemas; it is the schema's output.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
  throw new LocalModelError("invalid_request", `Invalid request: ${problems.join("; ")}`);
}
