/**
 * Every error the relay reports carries one of these codes. Code branches on `code`, never on a message;
 * the window turns codes into words a home user understands.
 */
export const ERROR_CODES = [
  'upstream-network',
  'upstream-dns',
  'upstream-refused',
  'upstream-timeout',
  'upstream-status',
  'upstream-too-large',
  'upstream-truncated',
  'upstream-redirect-loop',
  'playlist-invalid',
  'playlist-ended',
  'segment-invalid',
  'switch-failed',
  'switch-superseded',
  'source-stalled',
  'source-slow',
  'provider-limit',
  'aborted',
  'channel-not-found',
  'channel-exists',
  'source-not-found',
  'not-found',
  'bad-request',
  'invalid-url',
  'unauthorized',
  'forbidden-host',
  'forbidden-origin',
  'unsupported-media-type',
  'payload-too-large',
  'method-not-allowed',
  'channel-starting',
  'import-invalid',
  'settings-invalid',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Errors as they cross a process or network boundary: plain data only. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
