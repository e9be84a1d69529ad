import { afterEach, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/system-tool.js';
import { FFMPEG_ERROR_PATTERNS, runFfmpeg } from '../helpers/run-ffmpeg.js';
import { sourceChannel, startHarness, type Harness } from '../helpers/relay-harness.js';

const hasFfmpeg = requireTool('ffmpeg');
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.skipIf(!hasFfmpeg)('ffmpeg as a player', () => {
  it('reads the relay playlist for 10 s across a switch without errors', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])] });
    const h = harness;
    const switchTimer = setTimeout(() => void h.api('POST', '/api/channels/news/switch', { sourceId: 'b' }), 4000);
    const run = await runFfmpeg(`${h.baseUrl}/stream/news`, { seconds: 10, timeoutMs: 40_000 });
    clearTimeout(switchTimer);
    console.log(`ffmpeg: ${run.frames} frames, ${run.mediaSeconds.toFixed(2)} s media in ${run.wallSeconds.toFixed(1)} s wall; stderr:\n${run.stderr}`);
    expect(run.code).toBe(0);
    for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
    // -t counts output time, which jumps with the new source's timestamps: frames vary a little around 240.
    expect(run.frames).toBeGreaterThanOrEqual(7.5 * 24);
    const segmentRequests = h.requests.filter((r) => r.path.includes('/segments/'));
    // ffmpeg reads segments with Range requests: 206 is a success too.
    expect(segmentRequests.filter((r) => r.status !== 200 && r.status !== 206)).toEqual([]);
    const snapshot = (await h.api('GET', '/api/channels/news')).json as { activeSourceId: string };
    expect(snapshot.activeSourceId).toBe('b');
  });
});

describe.skipIf(!hasFfmpeg)('ffmpeg on every output flavour', () => {
  const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it('decrypts an AES-128 channel through the relay and decodes fMP4', async () => {
    harness = await startHarness({
      origin: { sources: [{ id: 'enc', fixture: 'a', encryption: { key: KEY } }, 'f'] },
      channels: [
        { id: 'secret', name: 'secret', enabled: true, sources: [{ id: 's1', url: '{origin}/enc/index.m3u8' }] },
        { id: 'cmaf', name: 'cmaf', enabled: true, sources: [{ id: 's1', url: '{origin}/f/index.m3u8' }] },
      ],
    });
    const h = harness;
    const [encrypted, fragmented] = await Promise.all([
      runFfmpeg(`${h.baseUrl}/stream/secret`, { seconds: 5, timeoutMs: 30_000 }),
      runFfmpeg(`${h.baseUrl}/stream/cmaf`, { seconds: 5, timeoutMs: 30_000 }),
    ]);
    for (const run of [encrypted, fragmented]) {
      console.log(`ffmpeg: ${run.frames} frames; stderr:\n${run.stderr}`);
      expect(run.code).toBe(0);
      for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
      expect(run.frames).toBeGreaterThanOrEqual(4 * 24);
    }
    const keyRequests = h.requests.filter((r) => r.path.includes('/keys/'));
    expect(keyRequests.length).toBeGreaterThan(0);
    expect(keyRequests.filter((r) => r.status !== 200 && r.status !== 206)).toEqual([]);
  });

  it('reads the continuous TS output for 10 s across a failover without errors', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])] });
    const h = harness;
    await h.playlist('news');
    const kill = setTimeout(() => h.origin.kill('a'), 3000);
    const run = await runFfmpeg(`${h.baseUrl}/stream/news.ts`, { seconds: 10, timeoutMs: 40_000 });
    clearTimeout(kill);
    console.log(`continuous TS: ${run.frames} frames, ${run.mediaSeconds.toFixed(2)} s in ${run.wallSeconds.toFixed(1)} s; stderr:\n${run.stderr}`);
    expect(run.code).toBe(0);
    for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
    expect(run.stderr).not.toMatch(/Continuity check failed/);
    expect(run.frames).toBeGreaterThanOrEqual(7.5 * 24);
    expect((h.relay.channel('news')!.snapshot()).activeSourceId).toBe('b');
  });
});
