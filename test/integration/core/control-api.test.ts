import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN, sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])] });
});
afterAll(() => harness.close());

/** A raw request, so tests control Host and every other header exactly. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: harness.server.port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const auth = { authorization: `Bearer ${TEST_TOKEN}` };
const json = { 'content-type': 'application/json' };

describe('control API guards', () => {
  it('requires the bearer token', async () => {
    expect((await raw('GET', '/api/channels', {})).status).toBe(401);
    expect((await raw('GET', '/api/channels', { authorization: 'Bearer wrong-token-000000000' })).status).toBe(401);
    const ok = await raw('GET', '/api/channels', auth);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).channels.map((c: { id: string }) => c.id)).toEqual(['news']);
  });

  it('refuses foreign Host names (DNS rebinding) and cross-site Origins', async () => {
    expect((await raw('GET', '/api/channels', { ...auth, host: 'evil.example:5000' })).status).toBe(403);
    expect((await raw('GET', '/api/channels', { ...auth, host: 'localhost:5000' })).status).toBe(200);
    expect((await raw('GET', '/api/channels', { ...auth, host: '192.168.1.20:5000' })).status).toBe(200);
    const port = harness.server.port;
    expect((await raw('GET', '/api/channels', { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw('GET', '/api/channels', { ...auth, origin: 'null' })).status).toBe(403);
    expect((await raw('GET', '/api/channels', { ...auth, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('accepts only JSON bodies and answers bad input with a clear error', async () => {
    const form = await raw('POST', '/api/channels/news/switch', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'sourceId=b');
    expect(form.status).toBe(415);
    const badJson = await raw('POST', '/api/channels/news/switch', { ...auth, ...json }, '{"sourceId": ');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text).error.code).toBe('bad-request');
    const unknown = await raw('POST', '/api/channels/nope/switch', { ...auth, ...json }, '{"sourceId":"b"}');
    expect(unknown.status).toBe(404);
    const fileUrl = await raw('POST', '/api/channels/news/switch', { ...auth, ...json }, '{"url":"file:///etc/passwd"}');
    expect(fileUrl.status).toBe(502);
    expect(JSON.parse(fileUrl.text)).toMatchObject({ ok: false, code: 'invalid-url' });
    const huge = await raw('POST', '/api/channels', { ...auth, ...json }, JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it('keeps the reference interface of POST /change_stream/<channel>', async () => {
    expect((await raw('POST', '/change_stream/news', { ...json }, '{}')).status).toBe(401);
    const missing = await raw('POST', '/change_stream/news', { ...auth, ...json }, '{}');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error).toBe('No URL provided');
    const notFound = await raw('POST', '/change_stream/nope', { ...auth, ...json }, `{"url":"${harness.origin.url}/b/index.m3u8"}`);
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.text).error).toBe('Channel not found');
    const url = `${harness.origin.url}/b/index.m3u8`;
    const changed = await raw('POST', '/change_stream/news', { ...auth, ...json }, JSON.stringify({ url }));
    expect(changed.status).toBe(200);
    expect(JSON.parse(changed.text)).toEqual({ message: 'Stream URL updated', channel: 'news', url });
    const same = await raw('POST', '/change_stream/news', { ...auth, ...json }, JSON.stringify({ url }));
    expect(JSON.parse(same.text)).toEqual({ message: 'URL unchanged', channel: 'news', url });
  });

  it('sends CORS headers on stream routes only', async () => {
    const stream = await raw('GET', '/stream/news', {});
    expect(stream.status).toBe(200);
    expect(stream.headers['access-control-allow-origin']).toBe('*');
    expect(stream.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const control = await raw('GET', '/api/channels', auth);
    expect(control.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await raw('OPTIONS', '/api/channels', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const m3u = await raw('GET', '/channels.m3u', {});
    expect(m3u.text).toContain(`http://127.0.0.1:${harness.server.port}/stream/news`);
  });

  it('turns path tricks and odd segment numbers into 404/400 and keeps serving', async () => {
    for (const path of ['/stream/../api/channels', '/stream/%2e%2e/%2e%2e/etc/passwd', '/stream/news/segments/-1.ts', '/stream/news/segments/99999999999999999999.ts', '/stream/news/segments/1e3.ts', '/stream/news%2f..%2f..', '/ui/../../package.json', '/ui/%2e%2e/%2e%2e/package.json']) {
      const response = await raw('GET', path, {});
      expect([400, 404], path).toContain(response.status);
      expect(response.text, path).not.toContain('"name": "hls-relay"');
    }
    expect((await raw('GET', '/stream/%E0%A4%A', {})).status).toBe(400);
    expect((await raw('GET', '/stream/news', {})).status).toBe(200);
  });
});
