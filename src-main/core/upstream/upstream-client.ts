import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { RelayError } from '../errors.js';
import { parseRetryAfter } from './backoff.js';
import { LruMap } from './lru-map.js';

export type UpstreamKind = 'playlist' | 'segment' | 'init' | 'key';

export interface ByteRange {
  offset: number;
  length: number;
}

export interface UpstreamRequest {
  url: string;
  kind: UpstreamKind;
  userAgent: string;
  headers?: Record<string, string>;
  range?: ByteRange;
  /** Aborting it (a switch, a stop) ends the request at once with code 'aborted'. */
  signal?: AbortSignal;
  /** Whole-request deadline; past it the request fails with 'upstream-timeout'. */
  deadlineMs?: number;
}

export interface UpstreamResponse {
  body: Buffer;
  /** The URL that answered, after redirects: relative URIs in a playlist resolve against it. */
  finalUrl: string;
  status: number;
  /** From sending the request to the last body byte. */
  elapsedMs: number;
}

export interface UpstreamLimits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence while a body is being received. */
  bodyTimeoutMs: number;
  maxPlaylistBytes: number;
  maxSegmentBytes: number;
  maxRedirects: number;
  redirectCacheSize: number;
  /** Connections kept per origin (undici pool size). */
  connectionsPerOrigin: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_UPSTREAM_LIMITS: UpstreamLimits = {
  connectTimeoutMs: 5000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  maxPlaylistBytes: 4 * 1024 * 1024,
  maxSegmentBytes: 64 * 1024 * 1024,
  maxRedirects: 5,
  redirectCacheSize: 1000,
  // Channels of one provider share the pool: a stalled download must not make the others queue.
  connectionsPerOrigin: 64,
  keepAliveTimeoutMs: 30_000,
};

export interface UpstreamStats {
  requests: number;
  /** TCP/TLS connections opened since start: a steady channel keeps this near its pool size. */
  connectionsOpened: number;
  redirectsCached: number;
}

export interface UpstreamClient {
  fetch(request: UpstreamRequest): Promise<UpstreamResponse>;
  stats(): UpstreamStats;
  destroy(): Promise<void>;
}

export interface UpstreamClientDeps {
  now?: () => number;
  /** Tests may pass their own dispatcher; by default one undici Agent (a keep-alive pool per origin). */
  dispatcher?: Dispatcher;
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * Fetches playlists, segments and keys over pooled keep-alive connections, follows and caches redirects,
 * caps body sizes and turns every failure into a RelayError.
 */
export function createUpstreamClient(
  limits: Partial<UpstreamLimits> = {},
  deps: UpstreamClientDeps = {},
): UpstreamClient {
  const config: UpstreamLimits = { ...DEFAULT_UPSTREAM_LIMITS, ...limits };
  const now = deps.now ?? Date.now;
  const ownsDispatcher = deps.dispatcher === undefined;
  const dispatcher =
    deps.dispatcher ??
    new Agent({
      connections: config.connectionsPerOrigin,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connect: { timeout: config.connectTimeoutMs },
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
    });
  const redirects = new LruMap<string, string>(config.redirectCacheSize);
  const stats = { requests: 0, connectionsOpened: 0 };
  const onConnect = () => {
    stats.connectionsOpened += 1;
  };
  dispatcher.on('connect', onConnect);

  async function fetchOnce(target: UpstreamRequest, startUrl: string, signal: AbortSignal): Promise<UpstreamResponse> {
    const started = now();
    let url = startUrl;
    const visited = new Set<string>();
    for (let hop = 0; ; hop += 1) {
      checkUrl(url);
      visited.add(url);
      stats.requests += 1;
      const response = await send(dispatcher, url, target, signal);
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await discard(response.body);
        const next = new URL(location, url).href;
        if (hop + 1 > config.maxRedirects || visited.has(next)) {
          throw new RelayError('upstream-redirect-loop', `Too many redirects from ${target.url}`);
        }
        url = next;
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await discard(response.body);
        const retryAfter = response.headers['retry-after'];
        throw new RelayError('upstream-status', `HTTP ${response.statusCode} from ${describe(url)}`, {
          status: response.statusCode,
          retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined, now()),
        });
      }
      const cap = target.kind === 'playlist' ? config.maxPlaylistBytes : config.maxSegmentBytes;
      let body = await readBody(response, cap, url);
      if (target.range && response.statusCode === 200) body = sliceRange(body, target.range, url);
      if (hop > 0) redirects.set(target.url, url);
      return { body, finalUrl: url, status: response.statusCode, elapsedMs: now() - started };
    }
  }

  return {
    async fetch(target) {
      const signals = [target.signal, target.deadlineMs ? AbortSignal.timeout(target.deadlineMs) : undefined];
      const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
      const cached = redirects.get(target.url);
      try {
        if (cached === undefined) return await fetchOnce(target, target.url, signal);
        try {
          return await fetchOnce(target, cached, signal);
        } catch (error) {
          // A cached redirect target often carries an expiring token: forget it and ask the original URL.
          redirects.delete(target.url);
          if (signal.aborted) throw error;
          return await fetchOnce(target, target.url, signal);
        }
      } catch (error) {
        throw translateError(error, target, signal);
      }
    },
    stats: () => ({ ...stats, redirectsCached: redirects.size }),
    async destroy() {
      dispatcher.off('connect', onConnect);
      if (ownsDispatcher) await dispatcher.destroy();
    },
  };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RelayError('invalid-url', `Not a URL: ${url}`);
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) {
    throw new RelayError('invalid-url', `Only http and https sources are allowed, not ${parsed.protocol}`);
  }
}

function send(dispatcher: Dispatcher, url: string, target: UpstreamRequest, signal: AbortSignal) {
  const headers: Record<string, string> = {
    'user-agent': target.userAgent,
    accept: '*/*',
    ...lowerCaseKeys(target.headers ?? {}),
  };
  if (target.range) {
    headers.range = `bytes=${target.range.offset}-${target.range.offset + target.range.length - 1}`;
  }
  return request(url, { method: 'GET', dispatcher, headers, signal });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

async function readBody(response: Dispatcher.ResponseData, cap: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  const hasLength = Number.isFinite(declared) && response.headers['content-length'] !== undefined;
  if (hasLength && declared > cap) {
    // undici may already hold the whole body and report the abort as an error event: nobody listens.
    response.body.on('error', () => {});
    response.body.destroy();
    throw new RelayError('upstream-too-large', `${describe(url)} announces ${declared} bytes (limit ${cap})`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > cap) {
        response.body.destroy();
        throw new RelayError('upstream-too-large', `${describe(url)} sent more than ${cap} bytes`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof RelayError) throw error;
    if (isSocketClose(error)) {
      throw new RelayError('upstream-truncated', `${describe(url)} closed after ${total} bytes`, { cause: error });
    }
    throw error;
  }
  if (hasLength && total !== declared) {
    throw new RelayError('upstream-truncated', `${describe(url)} sent ${total} of ${declared} bytes`);
  }
  return Buffer.concat(chunks, total);
}

function sliceRange(body: Buffer, range: ByteRange, url: string): Buffer {
  // A server that ignores Range answers 200 with the whole resource: cut our part out of it.
  if (body.length < range.offset + range.length) {
    throw new RelayError('upstream-truncated', `${describe(url)} is shorter than the byte range it lists`);
  }
  return body.subarray(range.offset, range.offset + range.length);
}

async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // The status is what matters; a broken error body changes nothing.
  }
}

function isSocketClose(error: unknown): boolean {
  return error instanceof undiciErrors.SocketError || (error as { code?: string })?.code === 'ECONNRESET';
}

function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function translateError(error: unknown, target: UpstreamRequest, signal: AbortSignal): RelayError {
  if (error instanceof RelayError) return error;
  const where = describe(target.url);
  if (signal.aborted) {
    return target.signal?.aborted
      ? new RelayError('aborted', `Request for ${where} was cancelled`, { cause: error })
      : new RelayError('upstream-timeout', `${where} took longer than ${target.deadlineMs} ms`, { cause: error });
  }
  const code = errorCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return new RelayError('upstream-timeout', `${where} timed out`, { cause: error });
    case 'ECONNREFUSED':
      return new RelayError('upstream-refused', `${where} refused the connection`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new RelayError('upstream-dns', `Cannot resolve the host of ${where}`, { cause: error });
    case 'UND_ERR_INVALID_ARG':
      return new RelayError('bad-request', `Invalid request for ${where}: ${(error as Error).message}`, { cause: error });
    default:
      return new RelayError('upstream-network', `${where}: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
  }
}

function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown })?.code;
  if (typeof direct === 'string' && direct !== 'UND_ERR_SOCKET') return direct;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : typeof direct === 'string' ? direct : undefined;
}
