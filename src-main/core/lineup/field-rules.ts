/**
 * The rules every lineup field obeys, wherever it comes from (M3U import, control API, IPC, config file).
 * Each check returns a reason in words, or undefined when the value is fine; callers decide whether a
 * problem skips a line (import) or rejects a request (edits).
 */

export const LIMITS = {
  /** Channel names, source labels, groups, tvg-ids. */
  textMax: 200,
  /** A source URL (provider URLs carry long tokens). Also the M3U line cap. */
  urlMax: 8192,
  /** Short enough that a rendered #EXTINF line with every attribute stays under the M3U line cap. */
  logoMax: 2048,
  userAgentMax: 512,
  headerNameMax: 64,
  headerValueMax: 4096,
  headersMax: 32,
  /** Channel, source and provider ids. */
  idMax: 64,
  sourcesMax: 200,
} as const;

// Control characters (C0, DEL, C1) never belong in a name or a header: they break M3U lines and HTTP.
const CONTROL_CHARS = /\p{Cc}/u;
const CONTROL_RUNS = /\p{Cc}+/gu;
const WHITESPACE_RUNS = /\s+/g;

/** Display text as it comes from a playlist: control characters become spaces, runs of space collapse. */
export function cleanText(text: string): string {
  return text.replace(CONTROL_RUNS, ' ').replace(WHITESPACE_RUNS, ' ').trim();
}

/** Cuts text to `max` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return (last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut).trimEnd();
}

export function textProblem(text: string, max: number = LIMITS.textMax): string | undefined {
  if (text.trim() === '') return 'must not be empty';
  if (text.length > max) return `must be at most ${max} characters`;
  if (CONTROL_CHARS.test(text)) return 'must not contain control characters or line breaks';
  return undefined;
}

/** Only http and https reach the upstream client: file:, data:, javascript: … would read local data. */
export function httpUrlProblem(text: string): string | undefined {
  if (text.length > LIMITS.urlMax) return `URL is longer than ${LIMITS.urlMax} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `only http and https URLs are allowed (got ${url.protocol})`;
  }
  // The URL parser quietly repairs "http:/host" and "http:///host"; in a playlist they mean a broken line.
  if (!/^https?:\/\/[^/\\]/i.test(text)) return 'not a valid URL';
  // It would also encode or drop these.
  if (/[\s\p{Cc}]/u.test(text)) return 'URL must not contain spaces or control characters';
  if (url.hostname === '') return 'URL has no host';
  return undefined;
}

export function logoProblem(text: string): string | undefined {
  if (text.length > LIMITS.logoMax) return `logo URL is longer than ${LIMITS.logoMax} characters`;
  return httpUrlProblem(text);
}

/** The host (with port) of an already checked URL, used as a readable source label. */
export function urlHost(text: string): string {
  return new URL(text).host;
}

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

export function userAgentProblem(text: string): string | undefined {
  if (text.trim() === '') return 'must not be empty';
  if (text.length > LIMITS.userAgentMax) return `must be at most ${LIMITS.userAgentMax} characters`;
  if (!PRINTABLE_ASCII.test(text)) return 'must contain printable ASCII characters only';
  return undefined;
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Set by the HTTP client itself; a user value would break framing or conflict with the relay's own.
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > LIMITS.headerNameMax || !HEADER_NAME.test(name)) {
    return `"${truncateText(cleanText(name), 40)}" is not a valid header name`;
  }
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower)) return `header ${name} is set by the relay itself`;
  if (lower === 'user-agent') return 'set the user agent with userAgent, not as a header';
  return undefined;
}

// Header values: tab and visible Latin-1 only, so CR/LF can never smuggle a second header.
const HEADER_VALUE = /^[\t\u0020-\u007e\u00a0-\u00ff]*$/;

export function headerValueProblem(value: string): string | undefined {
  if (value.length > LIMITS.headerValueMax) return `must be at most ${LIMITS.headerValueMax} characters`;
  if (!HEADER_VALUE.test(value)) return 'must not contain line breaks or control characters';
  return undefined;
}

// RFC 5646 in the shape HLS LANGUAGE attributes use: a primary subtag and optional subtags.
const LANGUAGE_PATTERN = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

export function languageProblem(tag: string): string | undefined {
  return tag.length <= 35 && LANGUAGE_PATTERN.test(tag) ? undefined : 'must be a language tag such as "en", "de" or "pt-BR"';
}

// Ids appear in URLs (/stream/<id>) and in JSON files edited by hand: keep them boring.
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

export function idProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > LIMITS.idMax || !ID_PATTERN.test(id)) {
    return `must be 1–${LIMITS.idMax} lowercase letters, digits, "-" or "_", starting with a letter or digit`;
  }
  return undefined;
}
