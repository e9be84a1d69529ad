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
