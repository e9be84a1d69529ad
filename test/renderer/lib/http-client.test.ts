import { describe, expect, it } from 'vitest';
import type { RelayUpdate } from '../../../src-main/shared/relay-types.js';
import { createHttpClient, reconnectDelay } from '../../../src-renderer/lib/http-client.js';
import { makeChannel } from '../support/fixtures.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | null;
}

type Route = (request: Seen) => Response | Promise<Response>;

const BASE = 'http://127.0.0.1:5000';
const TOKEN = 'secret-token';

/** The control API's side of the wire, as plain fetch: records requests and answers from a route table. */
function controlApi(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const request: Seen = {
      method: init.method ?? 'GET',
      url,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? null,
    };
    seen.push(request);
    const route = routes[`${request.method} ${url.slice(BASE.length)}`];
    if (!route) return json(404, { error: { code: 'not-found', message: `no route ${url}` } });
    return route(request);
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** An event stream the test writes to, chunk by chunk. */
function eventStream(request: Seen) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  request.signal?.addEventListener('abort', () => {
    try {
      controller.error(new DOMException('aborted', 'AbortError'));
    } catch {
      // already ended by the test
    }
  });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => {
      try {
        controller.close();
      } catch {
        // already aborted by the client
      }
    },
  };
}

function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

describe('createHttpClient', () => {
  it('sends the bearer token and JSON, and reads JSON answers', async () => {
    const channel = makeChannel({ id: 'news', name: 'News' });
    const api = controlApi({
      'GET /api/overview': () => json(200, { server: { baseUrl: BASE, playlistUrl: `${BASE}/channels.m3u`, version: '1' }, channels: [channel] }),
      'POST /api/channels': () => json(201, channel),
      'DELETE /api/channels/news': () => new Response(null, { status: 204 }),
      'POST /api/channels/news/move': () => new Response(null, { status: 204 }),
      'GET /api/channels/a%2Fb%20c/timeline': () => json(200, { events: [{ at: 1, kind: 'start', message: 'Started' }] }),
    });
    const client = createHttpClient({ baseUrl: `${BASE}/`, token: TOKEN, fetch: api.fetch });

    expect((await client.overview()).channels).toEqual([channel]);
    expect(await client.addChannel({ name: 'News', sources: [{ url: 'https://a.example/x.m3u8' }] })).toEqual(channel);
    expect(await client.removeChannel('news')).toBeUndefined();
    await client.moveChannel('news', 3);
    expect(await client.timeline('a/b c')).toEqual([{ at: 1, kind: 'start', message: 'Started' }]);

    for (const request of api.seen) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(api.seen[1]).toMatchObject({
      method: 'POST',
      url: `${BASE}/api/channels`,
      headers: { 'content-type': 'application/json' },
      body: { name: 'News', sources: [{ url: 'https://a.example/x.m3u8' }] },
    });
    expect(api.seen[3]?.body).toEqual({ toIndex: 3 });
    expect(client.capabilities.openInVlc).toBe(false);
    await expect(client.openInVlc(`${BASE}/stream/news`)).rejects.toMatchObject({ code: 'method-not-allowed' });
  });

  it('rejects with the code of the error body, or one that fits the status', async () => {
    const api = controlApi({
      'PATCH /api/settings': () => json(400, { error: { code: 'settings-invalid', message: 'port must be 1024-65535' } }),
      'GET /api/settings': () => new Response('<html>oops</html>', { status: 500 }),
    });
    const client = createHttpClient({ baseUrl: BASE, token: TOKEN, fetch: api.fetch });
    await expect(client.updateSettings({ port: 80 })).rejects.toMatchObject({
      code: 'settings-invalid',
      message: 'port must be 1024-65535',
    });
    await expect(client.settings()).rejects.toMatchObject({ code: 'internal' });
    await expect(client.updateChannel('gone', { name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports a 401 so the window can ask for the token again', async () => {
    let refused = 0;
    const api = controlApi({ 'GET /api/overview': () => json(401, { error: { code: 'unauthorized', message: 'bad token' } }) });
    const client = createHttpClient({ baseUrl: BASE, token: 'wrong', fetch: api.fetch, onUnauthorized: () => (refused += 1) });
    await expect(client.overview()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(refused).toBe(1);
  });

  it('resolves a failed switch (502) with its outcome instead of throwing', async () => {
    const channel = makeChannel({ id: 'news', name: 'News' });
    const outcome = { ok: false, code: 'upstream-timeout', message: 'timed out', channel };
    const api = controlApi({ 'POST /api/channels/news/switch': () => json(502, outcome) });
    const client = createHttpClient({ baseUrl: BASE, token: TOKEN, fetch: api.fetch });
    expect(await client.switchSource('news', { target: { sourceId: 'backup' } })).toEqual(outcome);
    expect(api.seen[0]?.body).toEqual({ target: { sourceId: 'backup' } });
  });

  it('says so when nothing answers', async () => {
    const client = createHttpClient({
      baseUrl: BASE,
      token: TOKEN,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(client.overview()).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining(BASE) });
  });
});

describe('createHttpClient().subscribe', () => {
  it('reads updates from the event stream, however the chunks fall', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const api = controlApi({
      'GET /api/events': (request) => {
        const stream = eventStream(request);
        streams.push(stream);
        return stream.response;
      },
    });
    const client = createHttpClient({ baseUrl: BASE, token: TOKEN, fetch: api.fetch });
    const updates: RelayUpdate[] = [];
    const stop = client.subscribe((update) => updates.push(update));
    await until(() => streams.length === 1);

    const stream = streams[0]!;
    stream.write('data: {"type":"channels","channels":[]}\n\n: ping\n\ndata: {"type":"channel-re');
    stream.write('moved","id":"news"}\r\n\r\ndata: not json\n\n');
    stream.write('data: {"type":"channel-removed","id":"sport"}\n\n');
    await until(() => updates.length === 3);
    expect(updates).toEqual([
      { type: 'channels', channels: [] },
      { type: 'channel-removed', id: 'news' },
      { type: 'channel-removed', id: 'sport' },
    ]);
    expect(api.seen[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' });

    stop();
    expect(api.seen[0]?.signal?.aborted).toBe(true);
  });

  it('reconnects after the stream drops, says it is reconnecting, and stops for good on unsubscribe', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    const api = controlApi({
      'GET /api/events': (request) => {
        const stream = eventStream(request);
        streams.push(stream);
        return stream.response;
      },
    });
    const states: boolean[] = [];
    const client = createHttpClient({ baseUrl: BASE, token: TOKEN, fetch: api.fetch, onReconnecting: (r) => states.push(r) });
    const updates: RelayUpdate[] = [];
    const stop = client.subscribe((update) => updates.push(update));
    await until(() => streams.length === 1);
    streams[0]!.end();
    await until(() => states.length === 1);
    expect(states).toEqual([true]);

    await until(() => streams.length === 2, reconnectDelay(0) + 2_000);
    streams[1]!.write('data: {"type":"channels","channels":[]}\n\n');
    await until(() => updates.length === 1);
    expect(states).toEqual([true, false]);

    stop();
    streams[1]!.end();
    await new Promise((resolve) => setTimeout(resolve, reconnectDelay(0) + 200));
    expect(streams).toHaveLength(2);
  });

  it('gives up on a 401 and reports it', async () => {
    let refused = 0;
    const api = controlApi({ 'GET /api/events': () => json(401, { error: { code: 'unauthorized', message: 'no' } }) });
    const client = createHttpClient({ baseUrl: BASE, token: 'wrong', fetch: api.fetch, onUnauthorized: () => (refused += 1) });
    client.subscribe(() => undefined);
    await until(() => refused === 1);
    await new Promise((resolve) => setTimeout(resolve, reconnectDelay(0) + 200));
    expect(api.seen).toHaveLength(1);
  });

  it('waits longer after each failure, up to a cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map(reconnectDelay);
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });
});
