import { describe, expect, it } from 'vitest';
import { statusForCode } from '../../../../src-main/core/server/http-status.js';
import { ERROR_CODES, type ErrorCode } from '../../../../src-main/shared/error-codes.js';

const EXPECTED: Record<ErrorCode, number> = {
  'upstream-network': 502,
  'upstream-dns': 502,
  'upstream-refused': 502,
  'upstream-timeout': 502,
  'upstream-status': 502,
  'upstream-too-large': 502,
  'upstream-truncated': 502,
  'upstream-redirect-loop': 502,
  'playlist-invalid': 502,
  'playlist-ended': 502,
  'segment-invalid': 502,
  'switch-failed': 502,
  'switch-superseded': 502,
  'source-stalled': 502,
  'source-slow': 502,
  'provider-limit': 409,
  aborted: 502,
  'channel-not-found': 404,
  'channel-exists': 409,
  'source-not-found': 404,
  'not-found': 404,
  'bad-request': 400,
  'invalid-url': 400,
  unauthorized: 401,
  'forbidden-host': 403,
  'forbidden-origin': 403,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  'method-not-allowed': 405,
  'channel-starting': 503,
  'import-invalid': 400,
  'settings-invalid': 400,
  internal: 500,
};

describe('statusForCode', () => {
  it('covers every error code in the catalogue', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(Object.entries(EXPECTED) as [ErrorCode, number][])('%s → HTTP %i', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });
});
