/**
 * The base of the runner's user-facing errors (knowledge bases, data sources, publishing): a string
 * code, the HTTP status a route answers with, optional details, and a message that says what to fix.
 * One shape, so one route helper can turn any of them into a response (`isServiceError`).
 */
export class ServiceError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(statusOf: Readonly<Record<Code, number>>, code: Code, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = statusOf[code];
    this.details = options.details;
  }
}

/** Any runner service error, across packages and realms (checks the shape, not the prototype). */
export function isServiceError(error: unknown): error is ServiceError {
  if (!(error instanceof Error)) return false;
  const candidate = error as { code?: unknown; status?: unknown };
  return typeof candidate.code === "string" && typeof candidate.status === "number";
}

/** A guard for one subclass, by its `name`. */
export function serviceErrorGuard<E extends ServiceError>(name: string): (error: unknown) => error is E {
  return (error: unknown): error is E => isServiceError(error) && error.name === name;
}
