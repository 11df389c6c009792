import { ServiceError, serviceErrorGuard } from "../errors/service-error.ts";

/**
 * What a published-API caller can get wrong, with Dify's codes (the API answers `{ code, message,
 * status }` with them) and the HTTP status of each.
 */
export const APP_RUN_ERROR_STATUS = {
  invalid_param: 400,
  bad_request: 400,
  app_unavailable: 400,
  conversation_not_exists: 404,
  not_found: 404,
  unauthorized: 401,
  too_many_requests: 429,
  conflict: 409,
} as const;

export type AppRunErrorCode = keyof typeof APP_RUN_ERROR_STATUS;

export class AppRunError extends ServiceError<AppRunErrorCode> {
  override readonly name = "AppRunError";

  constructor(code: AppRunErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(APP_RUN_ERROR_STATUS, code, message, options);
  }
}

export const isAppRunError = serviceErrorGuard<AppRunError>("AppRunError");
