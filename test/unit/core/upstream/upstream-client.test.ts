import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import {
  createUpstreamClient,
  type UpstreamClient,
  type UpstreamLimits,
  type UpstreamRequest,
} from '../../../../src-main/core/upstream/upstream-client.js';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A real HTTP origin on 127.0.0.1:0 whose routes each test sets; it records requests and connections. */
interface TestOrigin {
  url: string;
  routes: Map<string, Route>;
  requests: SeenRequest[];
  /** TCP connections accepted. */
  connections: number;
  sockets: Set<Socket>;
  paths(): string[];
  close(): Promise<void>;
}

async function startOrigin(): Promise<TestOrigin> {
  const routes = new Map<string, Route>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    const route = routes.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (route) return route(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
  });
  const origin: TestOrigin = {
    url: '',
    routes,
    requests,
    connections: 0,
    sockets,
    paths: () => requests.map((request) => request.path),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connection', (socket: Socket) => {
    origin.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return origin;
}

const UA = 'TestPlayer/1.0 (hls-relay tests)';
/** Short enough to keep the suite fast, long enough that a loaded CI box does not trip them by accident. */
const FAST: Partial<UpstreamLimits> = { headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectTimeoutMs: 2000 };

let origin: TestOrigin;
let client: UpstreamClient;
/** Responses a test left open (stalls): ended after the test so the origin can close. */
let pending: ServerResponse[];

beforeEach(async () => {
  origin = await startOrigin();
  client = createUpstreamClient(FAST);
  pending = [];
});
afterEach(async () => {
  await client.destroy();
  for (const response of pending) response.destroy();
  await origin.close();
});

function get(path: string, extra: Partial<UpstreamRequest> = {}) {
  return client.fetch({ url: `${origin.url}${path}`, kind: 'segment', userAgent: UA, ...extra });
}

/**
 * Runs `action` with uncaught exceptions captured rather than reported: in the relay process any of them is a
 * crash, so tests assert there were none.
 */
async function catchingUncaught<T>(action: () => Promise<T>): Promise<{ value: T; uncaught: unknown[] }> {
  const uncaught: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  const capture = (error: unknown) => void uncaught.push(error);
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', capture);
  try {
    const value = await action();
    // undici reports a destroyed body's error from a setImmediate callback: let a few turns pass.
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    return { value, uncaught };
  } finally {
    process.off('uncaughtException', capture);
    for (const listener of saved) process.on('uncaughtException', listener);
  }
}

/** The RelayError a promise rejects with (fails the test if it resolves or rejects with anything else). */
async function failure(promise: Promise<unknown>): Promise<RelayError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RelayError);
  return error as RelayError;
}

function bytes(length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) buffer[index] = index % 251;
  return buffer;
}

function serve(body: Buffer | string, headers: Record<string, string> = {}): Route {
  return (_request, response) => {
    response.writeHead(200, { 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body);
  };
}

/** Answers with headers and `sent` bytes, then keeps the response open (it is destroyed after the test). */
function stallAfter(sent: Buffer, headers: Record<string, string> = {}): Route {
  return (_request, response) => {
    pending.push(response);
    response.writeHead(200, headers);
    response.write(sent);
  };
}

describe('createUpstreamClient: successful fetches', () => {
  it('returns the body, status, final URL and elapsed time', async () => {
    const body = bytes(50_000);
    origin.routes.set('/seg.ts', serve(body));
    const response = await get('/seg.ts');
    expect(response.status).toBe(200);
    expect(response.body.equals(body)).toBe(true);
    expect(response.finalUrl).toBe(`${origin.url}/seg.ts`);
    expect(response.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(response.elapsedMs).toBeLessThan(5000);
  });

  it('reads a chunked body without Content-Length', async () => {
    origin.routes.set('/live.m3u8', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      response.write('#EXTM3U\n');
      response.end('#EXT-X-TARGETDURATION:2\n');
    });
    const response = await get('/live.m3u8', { kind: 'playlist' });
    expect(response.body.toString()).toBe('#EXTM3U\n#EXT-X-TARGETDURATION:2\n');
  });

  it('reuses one keep-alive connection for 20 sequential requests', async () => {
    origin.routes.set('/live.m3u8', serve('#EXTM3U\n'));
    for (let index = 0; index < 20; index += 1) await get('/live.m3u8', { kind: 'playlist' });
    expect(origin.requests).toHaveLength(20);
    expect(origin.connections).toBeLessThanOrEqual(2);
    expect(client.stats()).toMatchObject({ requests: 20 });
    expect(client.stats().connectionsOpened).toBeLessThanOrEqual(2);
  });

  it('never opens more than connectionsPerOrigin connections to one origin', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, connectionsPerOrigin: 2 });
    // Answers in pairs: each response waits until a second request is in flight, so requests overlap.
    const waiting: ServerResponse[] = [];
    origin.routes.set('/seg.ts', (_request, response) => {
      waiting.push(response);
      if (waiting.length < 2) return;
      for (const held of waiting.splice(0)) held.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    const bodies = await Promise.all(Array.from({ length: 6 }, () => get('/seg.ts')));
    expect(bodies.map((response) => response.body.toString())).toEqual(Array(6).fill('ok'));
    expect(origin.connections).toBe(2);
    expect(client.stats().connectionsOpened).toBe(2);
  });

  it('keeps the connection after error statuses: their bodies are consumed', async () => {
    origin.routes.set('/busy', (_request, response) => {
      response.writeHead(503, { 'content-length': '2000' }).end('x'.repeat(2000));
    });
    for (let index = 0; index < 10; index += 1) expect((await failure(get('/busy'))).status).toBe(503);
    expect(origin.connections).toBeLessThanOrEqual(2);
  });

  it('sends the User-Agent and the source headers (Referer, Cookie) on every request, redirects included', async () => {
    origin.routes.set('/start', (_request, response) => response.writeHead(302, { location: '/end' }).end());
    origin.routes.set('/end', serve('ok'));
    await get('/start', { headers: { Referer: 'http://portal.example/watch', Cookie: 'session=abc; tz=UTC' } });
    expect(origin.paths()).toEqual(['/start', '/end']);
    for (const { headers } of origin.requests) {
      expect(headers['user-agent']).toBe(UA);
      expect(headers.referer).toBe('http://portal.example/watch');
      expect(headers.cookie).toBe('session=abc; tz=UTC');
    }
  });
});

describe('createUpstreamClient: byte ranges (RFC 8216 §4.3.2.2 EXT-X-BYTERANGE)', () => {
  const resource = bytes(10_000);

  it('asks for the range and returns the 206 body', async () => {
    origin.routes.set('/all.ts', (request, response) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      if (!match) return serve(resource)(request, response);
      const part = resource.subarray(Number(match[1]), Number(match[2]) + 1);
      response.writeHead(206, { 'content-length': String(part.length), 'content-range': `bytes ${match[1]}-${match[2]}/${resource.length}` });
      response.end(part);
    });
    const response = await get('/all.ts', { range: { offset: 1880, length: 3760 } });
    expect(origin.requests[0]!.headers.range).toBe('bytes=1880-5639');
    expect(response.status).toBe(206);
    expect(response.body.equals(resource.subarray(1880, 5640))).toBe(true);
  });

  it.each([
    [{ offset: 0, length: 188 }, 'bytes=0-187'],
    [{ offset: 9812, length: 188 }, 'bytes=9812-9999'],
  ])('cuts %j out of a 200 answer from a server that ignores Range', async (range, header) => {
    origin.routes.set('/all.ts', serve(resource));
    const response = await get('/all.ts', { range });
    expect(origin.requests[0]!.headers.range).toBe(header);
    expect(response.body.equals(resource.subarray(range.offset, range.offset + range.length))).toBe(true);
  });

  it('reports a 200 answer shorter than the range as truncated', async () => {
    origin.routes.set('/short.ts', serve(bytes(1000)));
    expect((await failure(get('/short.ts', { range: { offset: 900, length: 188 } }))).code).toBe('upstream-truncated');
  });

  it('sends no Range header without a byte range', async () => {
    origin.routes.set('/seg.ts', serve('x'));
    await get('/seg.ts');
    expect(origin.requests[0]!.headers.range).toBeUndefined();
  });
});

describe('createUpstreamClient: size caps', () => {
  /** Headers announce 50 MB, then nothing more comes: reading the body would hang until the body timeout. */
  function announceHuge() {
    origin.routes.set('/huge.m3u8', stallAfter(Buffer.from('#EXTM3U\n'), { 'content-length': String(50 * 1024 * 1024) }));
  }

  it('refuses a playlist whose Content-Length is over the cap without waiting for the body', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, maxPlaylistBytes: 64 * 1024, bodyTimeoutMs: 10_000 });
    announceHuge();
    const started = Date.now();
    const { value: error } = await catchingUncaught(() => failure(get('/huge.m3u8', { kind: 'playlist' })));
    expect(error.code).toBe('upstream-too-large');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  // When the whole body has already arrived (up to undici's ~64 KB buffer), destroying it makes undici emit
  // an abort error on it: without a listener that was an uncaught exception that ended the process.
  it('does not crash the process when refusing an announced oversize body that has fully arrived', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, maxPlaylistBytes: 1024 });
    origin.routes.set('/big.m3u8', serve(bytes(10 * 1024)));
    const { value: error, uncaught } = await catchingUncaught(() => failure(get('/big.m3u8', { kind: 'playlist' })));
    expect(error.code).toBe('upstream-too-large');
    expect(uncaught).toEqual([]);
  });

  it('applies the playlist cap to playlists and the segment cap to segments, init sections and keys', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, maxPlaylistBytes: 1024, maxSegmentBytes: 64 * 1024 });
    // Chunked (no Content-Length): the cap is enforced while reading.
    const chunked = (length: number): Route => (_request, response) => {
      response.writeHead(200);
      response.end(bytes(length));
    };
    origin.routes.set('/10k', chunked(10 * 1024));
    origin.routes.set('/100k', chunked(100 * 1024));
    expect((await failure(get('/10k', { kind: 'playlist' }))).code).toBe('upstream-too-large');
    for (const kind of ['segment', 'init', 'key'] as const) {
      expect((await get('/10k', { kind })).body.length).toBe(10 * 1024);
      expect((await failure(get('/100k', { kind }))).code).toBe('upstream-too-large');
    }
  });

  it('accepts a body of exactly the cap', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, maxPlaylistBytes: 4096 });
    origin.routes.set('/exact', serve(bytes(4096)));
    expect((await get('/exact', { kind: 'playlist' })).body.length).toBe(4096);
  });

  it('aborts an endless chunked body at the cap, closing the connection instead of buffering it', async () => {
    await client.destroy();
    const cap = 256 * 1024;
    client = createUpstreamClient({ ...FAST, maxSegmentBytes: cap });
    const chunk = bytes(16 * 1024);
    const bound = 64 * 1024 * 1024;
    let sent = 0;
    const closed = new Promise<void>((resolve) => {
      origin.routes.set('/endless.ts', (_request, response) => {
        response.writeHead(200, { 'content-type': 'video/mp2t' });
        response.on('close', () => resolve());
        // Writes as fast as the client reads, up to a bound the test would notice.
        const pump = () => {
          while (sent < bound && !response.destroyed) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      });
    });
    const heapBefore = process.memoryUsage().arrayBuffers;
    const error = await failure(get('/endless.ts'));
    expect(error.code).toBe('upstream-too-large');
    await closed;
    // The client stopped reading: far less than the bound left the server (kernel buffers hold a few MB).
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('createUpstreamClient: broken bodies', () => {
  it('reports a body cut short of its Content-Length as truncated', async () => {
    origin.routes.set('/cut.ts', (_request, response) => {
      response.writeHead(200, { 'content-length': '10000' });
      response.write(bytes(4000), () => response.socket?.destroy());
    });
    expect((await failure(get('/cut.ts'))).code).toBe('upstream-truncated');
  });

  it('reports a chunked body whose connection drops as truncated', async () => {
    origin.routes.set('/cut-chunked.ts', (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/mp2t' });
      response.write(bytes(4000), () => response.socket?.destroy());
    });
    expect((await failure(get('/cut-chunked.ts'))).code).toBe('upstream-truncated');
  });
});

describe('createUpstreamClient: redirects', () => {
  it('follows a relative redirect and reports the final URL', async () => {
    origin.routes.set('/live/index.m3u8', (_request, response) => response.writeHead(302, { location: '../cdn/index.m3u8?token=1' }).end());
    origin.routes.set('/cdn/index.m3u8', serve('#EXTM3U\n'));
    const response = await get('/live/index.m3u8', { kind: 'playlist' });
    expect(response.finalUrl).toBe(`${origin.url}/cdn/index.m3u8?token=1`);
    expect(response.body.toString()).toBe('#EXTM3U\n');
  });

  it.each([301, 302, 303, 307, 308])('follows %i', async (status) => {
    origin.routes.set('/from', (_request, response) => response.writeHead(status, { location: '/to' }).end());
    origin.routes.set('/to', serve('arrived'));
    expect((await get('/from')).body.toString()).toBe('arrived');
  });

  it('caches a redirect: the next fetch goes straight to the target', async () => {
    origin.routes.set('/channel.m3u8', (_request, response) => response.writeHead(302, { location: '/edge/a.m3u8' }).end());
    origin.routes.set('/edge/a.m3u8', serve('#EXTM3U\n'));
    await get('/channel.m3u8', { kind: 'playlist' });
    expect(client.stats().redirectsCached).toBe(1);
    const second = await get('/channel.m3u8', { kind: 'playlist' });
    expect(second.finalUrl).toBe(`${origin.url}/edge/a.m3u8`);
    expect(origin.paths()).toEqual(['/channel.m3u8', '/edge/a.m3u8', '/edge/a.m3u8']);
  });

  it('drops a cached target that fails and asks the original URL again', async () => {
    let edge = 'a';
    origin.routes.set('/channel.m3u8', (_request, response) => response.writeHead(302, { location: `/edge/${edge}.m3u8` }).end());
    origin.routes.set('/edge/a.m3u8', serve('#EXTM3U\n# a\n'));
    await get('/channel.m3u8', { kind: 'playlist' });
    // The redirect target's token expired: the portal now hands out another edge.
    edge = 'b';
    origin.routes.set('/edge/a.m3u8', (_request, response) => response.writeHead(403).end());
    origin.routes.set('/edge/b.m3u8', serve('#EXTM3U\n# b\n'));
    const response = await get('/channel.m3u8', { kind: 'playlist' });
    expect(response.body.toString()).toBe('#EXTM3U\n# b\n');
    expect(origin.paths()).toEqual(['/channel.m3u8', '/edge/a.m3u8', '/edge/a.m3u8', '/channel.m3u8', '/edge/b.m3u8']);
    // The new target is cached in its place.
    await get('/channel.m3u8', { kind: 'playlist' });
    expect(origin.paths().at(-1)).toBe('/edge/b.m3u8');
    expect(client.stats().redirectsCached).toBe(1);
  });

  it('forgets the cached target when the original URL stops redirecting', async () => {
    origin.routes.set('/channel.m3u8', (_request, response) => response.writeHead(302, { location: '/edge.m3u8' }).end());
    origin.routes.set('/edge.m3u8', serve('edge'));
    await get('/channel.m3u8');
    origin.routes.set('/edge.m3u8', (_request, response) => response.writeHead(404).end());
    origin.routes.set('/channel.m3u8', serve('direct'));
    expect((await get('/channel.m3u8')).body.toString()).toBe('direct');
    expect(client.stats().redirectsCached).toBe(0);
  });

  it('reports a redirect loop', async () => {
    origin.routes.set('/a', (_request, response) => response.writeHead(302, { location: '/b' }).end());
    origin.routes.set('/b', (_request, response) => response.writeHead(302, { location: '/a' }).end());
    expect((await failure(get('/a'))).code).toBe('upstream-redirect-loop');
    expect(origin.requests.length).toBeLessThanOrEqual(3);
  });

  it('follows up to maxRedirects hops and refuses one more', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, maxRedirects: 5 });
    origin.routes.set('/hop', (request, response) => {
      const n = Number(new URL(request.url!, 'http://x').searchParams.get('n'));
      if (n === 0) return serve('landed')(request, response);
      response.writeHead(302, { location: `/hop?n=${n - 1}` }).end();
    });
    expect((await get('/hop?n=5')).body.toString()).toBe('landed');
    expect((await failure(get('/hop?n=6'))).code).toBe('upstream-redirect-loop');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    origin.routes.set('/evil', (_request, response) => response.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect((await failure(get('/evil'))).code).toBe('invalid-url');
  });
});

describe('createUpstreamClient: status errors', () => {
  it.each([
    [509, { 'retry-after': '7' }, 7000],
    [429, { 'retry-after': '120' }, 120_000],
    [503, {}, undefined],
    [404, {}, undefined],
    [403, { 'retry-after': 'soon' }, undefined],
  ])('HTTP %i %j → upstream-status with retryAfterMs %s', async (status, headers, retryAfterMs) => {
    origin.routes.set('/limited', (_request, response) => response.writeHead(status, headers).end('limit reached'));
    const error = await failure(get('/limited'));
    expect(error.code).toBe('upstream-status');
    expect(error.status).toBe(status);
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });

  it('turns a Retry-After HTTP-date into milliseconds from the injected clock', async () => {
    await client.destroy();
    const now = Date.parse('2025-03-01T12:00:00Z');
    client = createUpstreamClient(FAST, { now: () => now });
    origin.routes.set('/limited', (_request, response) => response.writeHead(429, { 'retry-after': 'Sat, 01 Mar 2025 12:00:45 GMT' }).end());
    expect((await failure(get('/limited'))).retryAfterMs).toBe(45_000);
  });

  it('treats a 3xx without Location as a status error', async () => {
    origin.routes.set('/nowhere', (_request, response) => response.writeHead(302).end());
    const error = await failure(get('/nowhere'));
    expect(error.code).toBe('upstream-status');
    expect(error.status).toBe(302);
  });
});

describe('createUpstreamClient: connection failures', () => {
  it('reports a refused connection', async () => {
    const closed = await startOrigin();
    const url = `${closed.url}/live.m3u8`;
    await closed.close();
    const error = await failure(client.fetch({ url, kind: 'playlist', userAgent: UA }));
    expect(error.code).toBe('upstream-refused');
  });

  it('reports a host that does not resolve', async () => {
    const error = await failure(client.fetch({ url: 'http://no-such-provider.invalid/live.m3u8', kind: 'playlist', userAgent: UA }));
    expect(error.code).toBe('upstream-dns');
  });

  it.each([['ftp://example.com/live.m3u8'], ['file:///etc/passwd'], ['data:text/plain,#EXTM3U'], ['javascript:alert(1)'], ['not a url'], ['']])(
    'refuses %j as invalid-url without any request',
    async (url) => {
      const error = await failure(client.fetch({ url, kind: 'playlist', userAgent: UA }));
      expect(error.code).toBe('invalid-url');
      expect(client.stats().requests).toBe(0);
    },
  );
});

describe('createUpstreamClient: timeouts and cancellation', () => {
  it('times out when the headers never come', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, headersTimeoutMs: 300 });
    origin.routes.set('/silent', (_request, response) => void pending.push(response));
    const started = Date.now();
    expect((await failure(get('/silent'))).code).toBe('upstream-timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out when the body stalls', async () => {
    await client.destroy();
    client = createUpstreamClient({ ...FAST, bodyTimeoutMs: 300 });
    origin.routes.set('/stall.ts', stallAfter(bytes(1000), { 'content-length': '100000' }));
    const started = Date.now();
    expect((await failure(get('/stall.ts'))).code).toBe('upstream-timeout');
    // undici rounds body timers up to its ~1 s timer tick.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends a slow but steady download at deadlineMs', async () => {
    origin.routes.set('/drip.ts', (_request, response) => {
      pending.push(response);
      response.writeHead(200, { 'content-length': '100000' });
      // A byte every 50 ms never trips the body timeout; only the whole-request deadline ends it.
      const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write('x')), 50);
      response.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(get('/drip.ts', { deadlineMs: 400 }));
    expect(error.code).toBe('upstream-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('ends at once with aborted when the signal aborts mid-request', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    origin.routes.set('/silent', (_request, response) => {
      pending.push(response);
      arrived();
    });
    const controller = new AbortController();
    const result = failure(get('/silent', { signal: controller.signal, deadlineMs: 5000 }));
    await requestArrived;
    const abortedAt = Date.now();
    controller.abort();
    const error = await result;
    expect(error.code).toBe('aborted');
    expect(Date.now() - abortedAt).toBeLessThan(200);
  });

  it('aborts mid-body too', async () => {
    let arrived!: () => void;
    const bodyStarted = new Promise<void>((resolve) => (arrived = resolve));
    origin.routes.set('/stall.ts', (request, response) => {
      stallAfter(bytes(1000), { 'content-length': '100000' })(request, response);
      arrived();
    });
    const controller = new AbortController();
    const result = failure(get('/stall.ts', { signal: controller.signal }));
    await bodyStarted;
    controller.abort();
    expect((await result).code).toBe('aborted');
  });

  it('does not send anything when the signal has already aborted', async () => {
    origin.routes.set('/seg.ts', serve('x'));
    const error = await failure(get('/seg.ts', { signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(origin.requests).toHaveLength(0);
  });
});

describe('createUpstreamClient: destroy', () => {
  it('ends requests in flight at once', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    origin.routes.set('/silent', (_request, response) => {
      pending.push(response);
      arrived();
    });
    const result = failure(get('/silent'));
    await requestArrived;
    const destroyedAt = Date.now();
    await client.destroy();
    await result;
    expect(Date.now() - destroyedAt).toBeLessThan(500);
  });

  it('closes its keep-alive sockets', async () => {
    origin.routes.set('/seg.ts', serve('x'));
    await get('/seg.ts');
    expect(origin.sockets.size).toBe(1);
    const [socket] = origin.sockets;
    const socketClosed = once(socket!, 'close');
    await client.destroy();
    await socketClosed;
    expect(origin.sockets.size).toBe(0);
  });
});
