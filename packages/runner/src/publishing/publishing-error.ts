import { ServiceError, serviceErrorGuard } from "../errors/service-error.ts";

/**
 * What can go wrong with publishing and app API keys that the caller can fix. `status` is the HTTP status
 * an API route answers with; messages say what to do.
 */
export const PUBLISHING_ERROR_STATUS = {
  not_found: 404,
  invalid_input: 400,
  invalid_workflow: 400,
  unauthorized: 401,
  revoked: 401,
  too_many_requests: 429,
  conflict: 409,
} as const;

export type PublishingErrorCode = keyof typeof PUBLISHING_ERROR_STATUS;

export class PublishingError extends ServiceError<PublishingErrorCode> {
  override readonly name = "PublishingError";
  /** Set on too_many_requests: seconds until a retry can succeed (the `Retry-After` header). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: PublishingErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(PUBLISHING_ERROR_STATUS, code, message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isPublishingError = serviceErrorGuard<PublishingError>("PublishingError");
