import type { JobCatalog, JobName, JobPayload } from "./job-queue.ts";
import { QueueError } from "./queue-error.ts";

/** Parses a payload against its catalog schema; the error names the job, the field and what is wrong. */
export function validatePayload<C extends JobCatalog, N extends JobName<C>>(catalog: C, name: N, payload: unknown): JobPayload<C, N> {
  const schema = catalog[name];
  if (!schema) {
    throw new QueueError("unknown_job", `Unknown job "${name}". Known jobs: ${Object.keys(catalog).join(", ") || "none"}.`);
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "payload"}: ${issue.message}`)
      .join("; ");
    throw new QueueError("invalid_payload", `Invalid payload for job "${name}": ${problems}.`);
  }
  return parsed.data as JobPayload<C, N>;
}
