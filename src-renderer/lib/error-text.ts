import { isErrorCode, type ErrorCode } from '../../src-main/shared/error-codes.js';
import { errorCodeOf } from './client-error.js';

/** Every error code in words a home user understands (the relay's own messages are for logs). */
const ERROR_TEXT: Record<ErrorCode, string> = {
  'upstream-network': "The channel's provider could not be reached. Check your internet connection.",
  'upstream-dns': "The provider's server name could not be found. The address may be mistyped, or the provider is down.",
  'upstream-refused': "The provider's server refused the connection.",
  'upstream-timeout': 'The provider took too long to answer.',
  'upstream-status': 'The provider answered with an error. The stream may be offline, or its link may have expired.',
  'upstream-too-large': 'The provider sent far more data than a stream piece should have, so HLS Relay stopped the download.',
  'upstream-truncated': 'The download from the provider was cut off before it finished.',
  'upstream-redirect-loop': 'The provider kept sending HLS Relay to other addresses and never delivered the stream.',
  'playlist-invalid': 'This address does not lead to a working live stream: its playlist could not be read.',
  'playlist-ended': 'The provider has ended this stream.',
  'segment-invalid': 'The provider sent damaged video, or something that is not video at all.',
  'switch-failed': 'The new source did not start playing, so the channel stayed on its current source.',
  'switch-superseded': 'Another switch was asked for before this one finished.',
  'source-stalled': 'The source stopped sending new video.',
  'source-slow': 'The source is too slow to keep up with live playback.',
  'provider-limit': 'The provider allows no more connections right now: too many of its channels are already playing.',
  aborted: 'The request was cancelled.',
  'channel-not-found': 'This channel no longer exists. It may have just been removed.',
  'channel-exists': 'A channel with this name already exists. Choose another name.',
  'source-not-found': 'This source is no longer part of the channel.',
  'not-found': 'HLS Relay could not find what was asked for.',
  'bad-request': 'Some of the details are not valid. Check them and try again.',
  'invalid-url': 'That is not a valid web address. It should start with http:// or https://.',
  unauthorized: 'The access key is missing or wrong. Use the key HLS Relay printed when it started.',
  'forbidden-host': 'HLS Relay refused this request because it arrived through an address it does not trust.',
  'forbidden-origin': 'HLS Relay refused this request because it came from another web page.',
  'unsupported-media-type': 'HLS Relay did not understand the format of the request.',
  'payload-too-large': 'That is too large for HLS Relay to accept. For a playlist, try a smaller file.',
  'method-not-allowed': 'HLS Relay does not allow that action.',
  'channel-starting': 'The channel is still starting. Try again in a moment.',
  'import-invalid': 'This is not a playlist HLS Relay can read. It should be an M3U playlist (.m3u or .m3u8).',
  'settings-invalid': 'Some settings are not valid. Check the values and try again.',
  internal: 'Something went wrong inside HLS Relay. Try again, and restart HLS Relay if it keeps happening.',
};

/** A sentence for an error code; codes this window does not know fall back to a generic sentence. */
export function describeCode(code: string): string {
  return isErrorCode(code) ? ERROR_TEXT[code] : ERROR_TEXT.internal;
}

/** A sentence for anything a RelayClient call threw. */
export function describeError(error: unknown): string {
  return ERROR_TEXT[errorCodeOf(error) ?? 'internal'];
}
