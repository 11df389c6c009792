import type { IncomingMessage } from "node:http";
import { ApiProblem } from "./api-problem.ts";

/** Largest JSON body accepted: inputs and chat histories, not files. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Reads the request body as a JSON object; refuses other content, oversize bodies and bad JSON with what to fix. */
export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiProblem(413, "request_too_large", `The body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiProblem(413, "request_too_large", `The body is over the ${MAX_BODY_BYTES}-byte limit.`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  const type = request.headers["content-type"] ?? "";
  if (type !== "" && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiProblem(415, "unsupported_media_type", `Send the body as JSON (Content-Type: application/json), not ${type}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiProblem(400, "invalid_param", `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ApiProblem(400, "invalid_param", "The body must be a JSON object.");
  return parsed as Record<string, unknown>;
}
