import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveOrigin, type LiveOrigin } from '../../src-main/demo/live-origin.js';

const BIN = new URL('../../bin/hls-relay.js', import.meta.url).pathname;
const built = existsSync(new URL('../../dist/src-main/cli/main.js', import.meta.url));
if (!built) {
  if (process.env.CI === 'true') throw new Error('dist/ is missing: npm test builds before testing');
  console.warn('\n*** SKIPPING CLI tests: run `npm run build` first ***\n');
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: Running[] = [];
let origin: LiveOrigin | undefined;
afterEach(async () => {
  for (const process of running.splice(0)) process.child.kill('SIGKILL');
  await origin?.close();
  origin = undefined;
});

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const handle = { child, stdout: () => out, stderr: () => err, exited };
  running.push(handle);
  return handle;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!built)('hls-relay command line', () => {
  it('prints help, and refuses missing or bad arguments with a clear message', async () => {
    const help = start(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/--url[\s\S]*--channel[\s\S]*--port[\s\S]*--host[\s\S]*-ua, --user-agent[\s\S]*--debug/);
    const none = start([]);
    expect(await none.exited).toBe(2);
    expect(none.stderr()).toMatch(/Say what to relay/);
    const ftp = start(['--url', 'ftp://example.com/live.m3u8', '--channel', 'news', '--port', String(await freePort())]);
    expect(await ftp.exited).toBe(1);
    expect(ftp.stderr()).toMatch(/only http and https/);
  });

  it('names --port when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const relay = start(['--url', 'http://127.0.0.1:9/live.m3u8', '--channel', 'news', '--port', String(port)]);
    expect(await relay.exited).toBe(1);
    expect(relay.stderr()).toMatch(new RegExp(`Port ${port} is already in use.*--port`));
    blocker.close();
  });

  it('relays --url/--channel with the reference flags and stops cleanly on Ctrl-C', async () => {
    origin = await createLiveOrigin({ sources: ['a'] });
    const port = await freePort();
    const relay = start(['-u', origin.playlistUrl('a'), '-c', 'news', '-p', String(port), '-ua', 'MyPlayer/2.0', '--token', 'cli-token-123']);
    await until(() => relay.stdout().includes('Ctrl-C stops'), 10_000, 'the banner');
    expect(relay.stdout()).toContain(`http://127.0.0.1:${port}/stream/news`);
    expect(relay.stdout()).toContain('cli-token-123');
    const playlist = await fetch(`http://127.0.0.1:${port}/stream/news`);
    expect(playlist.status).toBe(200);
    expect(await playlist.text()).toContain('#EXT-X-MEDIA-SEQUENCE:0');
    expect(origin.requests.every((request) => request.userAgent === 'MyPlayer/2.0')).toBe(true);
    const api = await fetch(`http://127.0.0.1:${port}/api/channels`, { headers: { authorization: 'Bearer cli-token-123' } });
    expect(api.status).toBe(200);
    relay.child.kill('SIGINT');
    expect(await relay.exited).toBe(0);
  });

  it('takes the token from HLS_RELAY_TOKEN and prints a generated one otherwise', async () => {
    const port = await freePort();
    const fromEnv = start(['--url', 'http://127.0.0.1:9/x.m3u8', '--port', String(port)], { HLS_RELAY_TOKEN: 'env-token-456' });
    await until(() => fromEnv.stdout().includes('Ctrl-C stops'), 10_000, 'the banner');
    expect((await fetch(`http://127.0.0.1:${port}/api/channels`, { headers: { authorization: 'Bearer env-token-456' } })).status).toBe(200);
    fromEnv.child.kill('SIGINT');
    await fromEnv.exited;
    const generated = start(['--url', 'http://127.0.0.1:9/x.m3u8', '--port', String(port)]);
    await until(() => generated.stdout().includes('Ctrl-C stops'), 10_000, 'the banner');
    const token = /Control token:\s+(\S+) \(generated/.exec(generated.stdout())?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${port}/api/channels`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('imports --playlist and saves lineup edits back to --config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hls-relay-cli-'));
    const config = join(dir, 'lineup.json');
    await writeFile(config, JSON.stringify({ channels: [{ name: 'Saved One', sources: ['http://saved.example/1.m3u8'] }] }));
    const m3u = join(dir, 'provider.m3u');
    await writeFile(m3u, '#EXTM3U\n#EXTINF:-1 tvg-id="n1",News One\nhttp://p.example/n1.m3u8\n#EXTINF:-1 tvg-id="n1",News One HD\nhttp://p.example/n1hd.m3u8\n#EXTINF:-1,Broken\nrtmp://p.example/x\n');
    const port = await freePort();
    const relay = start(['--config', config, '--playlist', m3u, '--port', String(port), '--token', 'cli-token-123']);
    await until(() => relay.stdout().includes('Ctrl-C stops'), 10_000, 'the banner');
    expect(relay.stderr()).toMatch(/provider\.m3u:7: .*http/);
    const headers = { authorization: 'Bearer cli-token-123', 'content-type': 'application/json' };
    const channels = (await (await fetch(`http://127.0.0.1:${port}/api/channels`, { headers })).json()) as { channels: { id: string; sources: unknown[] }[] };
    expect(channels.channels.map((channel) => [channel.id, channel.sources.length])).toEqual([
      ['saved-one', 1],
      ['news-one', 2],
    ]);
    await fetch(`http://127.0.0.1:${port}/api/channels`, { method: 'POST', headers, body: JSON.stringify({ name: 'Added Live', sources: [{ url: 'http://a.example/x.m3u8' }] }) });
    await until(() => existsSync(`${config}.bak`), 5000, 'the saved config');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const saved = JSON.parse(await readFile(config, 'utf8')) as { channels: { id: string }[] };
    expect(saved.channels.map((channel) => channel.id)).toEqual(['saved-one', 'news-one', 'added-live']);
    relay.child.kill('SIGINT');
    expect(await relay.exited).toBe(0);
  });

  it('runs the demo out of the box', async () => {
    const port = await freePort();
    const demo = start(['--demo', '--port', String(port)]);
    await until(() => demo.stdout().includes('Ctrl-C stops'), 10_000, 'the banner');
    expect(demo.stdout()).toMatch(/vlc http:\/\/127\.0\.0\.1:\d+\/stream\/demo/);
    expect(demo.stdout()).toMatch(/"direction":"next"/);
    const playlist = await fetch(`http://127.0.0.1:${port}/stream/demo`);
    expect((await playlist.text()).match(/#EXTINF/g)?.length).toBeGreaterThanOrEqual(3);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});
