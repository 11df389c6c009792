import { ServiceError, serviceErrorGuard } from "../errors/service-error.ts";

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

export class DataSourceError extends ServiceError<DataSourceErrorCode> {
  override readonly name = "DataSourceError";

  constructor(code: DataSourceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(DATA_SOURCE_ERROR_STATUS, code, message, options);
  }
}

export const isDataSourceError = serviceErrorGuard<DataSourceError>("DataSourceError");
