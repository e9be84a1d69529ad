import type { ErrorCode } from '../../shared/error-codes.js';

/** The HTTP status the API answers for each error code. */
export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case 'channel-not-found':
    case 'source-not-found':
    case 'not-found':
      return 404;
    case 'channel-exists':
    case 'provider-limit':
      return 409;
    case 'unauthorized':
      return 401;
    case 'forbidden-host':
    case 'forbidden-origin':
      return 403;
    case 'unsupported-media-type':
      return 415;
    case 'payload-too-large':
      return 413;
    case 'method-not-allowed':
      return 405;
    case 'channel-starting':
      return 503;
    case 'internal':
      return 500;
    case 'switch-failed':
    case 'switch-superseded':
    case 'aborted':
    case 'upstream-network':
    case 'upstream-dns':
    case 'upstream-refused':
    case 'upstream-timeout':
    case 'upstream-status':
    case 'upstream-too-large':
    case 'upstream-truncated':
    case 'upstream-redirect-loop':
    case 'playlist-invalid':
    case 'playlist-ended':
    case 'segment-invalid':
    case 'source-stalled':
    case 'source-slow':
      return 502;
    default:
      return 400;
  }
}
