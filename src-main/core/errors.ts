import type { ErrorCode, ErrorInfo } from '../shared/error-codes.js';

/** The one error type the engine throws; `code` is what callers branch on. */
export class RelayError extends Error {
  readonly code: ErrorCode;
  /** HTTP status of an upstream response, for 'upstream-status'. */
  readonly status: number | undefined;
  /** Milliseconds the upstream asked us to wait (Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelayError';
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isRelayError(error: unknown): error is RelayError {
  return error instanceof RelayError;
}

/** Any thrown value as plain data; unknown errors become 'internal'. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (isRelayError(error)) return error.toInfo();
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
