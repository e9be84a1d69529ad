import { isErrorCode, type ErrorCode, type ErrorInfo } from '../../src-main/shared/error-codes.js';

/** How every RelayClient method rejects: an Error carrying the relay's error code. */
export class ClientError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
  }
}

/** The error code of anything thrown by a RelayClient, or null when it carries none. */
export function errorCodeOf(error: unknown): ErrorCode | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return isErrorCode(error.code) ? error.code : null;
}

/** Reads `{ error: { code, message } }`, the control API's error body; null for anything else. */
export function readErrorBody(body: unknown): ErrorInfo | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return null;
  const code = 'code' in error ? error.code : undefined;
  const message = 'message' in error ? error.message : undefined;
  if (!isErrorCode(code)) return null;
  return { code, message: typeof message === 'string' ? message : code };
}
