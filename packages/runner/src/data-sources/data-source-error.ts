/**
 * What can go wrong with data sources that the caller can fix. `status` is the HTTP status an API route
 * answers with; messages say what to do. Connector failures stay `SqlError`s (`isSqlError`).
 */
export const DATA_SOURCE_ERROR_STATUS = {
  not_found: 404,
  invalid_input: 400,
  name_taken: 409,
  not_introspected: 409,
} as const;

export type DataSourceErrorCode = keyof typeof DATA_SOURCE_ERROR_STATUS;

export class DataSourceError extends Error {
  override readonly name = "DataSourceError";
  readonly code: DataSourceErrorCode;
  readonly status: number;

  constructor(code: DataSourceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = DATA_SOURCE_ERROR_STATUS[code];
  }
}

export function isDataSourceError(error: unknown): error is DataSourceError {
  return error instanceof Error && error.name === "DataSourceError" && typeof (error as { code?: unknown }).code === "string"; // Reads one field, checked.
}
