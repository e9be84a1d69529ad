import { afterEach, describe, expect, it } from 'vitest';
import { followRelay } from '../../helpers/follow-relay.js';
import type { ReadPlaylist } from '../../helpers/read-playlist.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** What must hold between any two playlists a player loads one after the other. */
function checkConsecutive(before: ReadPlaylist, after: ReadPlaylist): void {
  expect(after.mediaSequence).toBeGreaterThanOrEqual(before.mediaSequence);
  expect(after.targetDuration).toBeGreaterThanOrEqual(before.targetDuration);
  const leftWindow = before.segments.filter((segment) => segment.seq < after.mediaSequence);
  const discontinuitiesLeft = leftWindow.filter((segment) => segment.discontinuity).length;
  expect(after.discontinuitySequence).toBe(before.discontinuitySequence + discontinuitiesLeft);
  for (const segment of after.segments) {
    const earlier = before.segments.find((candidate) => candidate.seq === segment.seq);
    if (!earlier) continue;
    expect(segment.uri).toBe(earlier.uri);
    expect(segment.discontinuity).toBe(earlier.discontinuity);
    expect(segment.programDateTime).toBe(earlier.programDateTime);
    expect(segment.durationText).toBe(earlier.durationText);
  }
}

function checkAlone(playlist: ReadPlaylist, windowSegments: number): void {
  expect(playlist.version).toBeGreaterThanOrEqual(3);
  expect(playlist.endList).toBe(false);
  expect(playlist.segments.length).toBeGreaterThan(0);
  const total = playlist.segments.reduce((sum, segment) => sum + segment.duration, 0);
  for (const segment of playlist.segments) {
    // EXTINF rounded up never exceeds the target duration; exact decimals, no float noise.
    expect(Math.ceil(segment.duration)).toBeLessThanOrEqual(playlist.targetDuration);
    expect(segment.durationText).toMatch(/^\d+\.\d{3,6}$/);
    expect(segment.programDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(segment.uri).toMatch(/^\/stream\/news\/segments\/\d+\.ts$/);
  }
  if (playlist.segments.length >= windowSegments) expect(total).toBeGreaterThanOrEqual(3 * playlist.targetDuration);
}

describe('output playlist as the window slides', () => {
  it('keeps target duration, media and discontinuity sequences consistent across a switch leaving the window', async () => {
    const windowSegments = 6;
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])], settings: { windowSegments, bufferSegments: 8 } });
    let switched = false;
    const result = await followRelay(harness, 'news', {
      timeoutMs: 25_000,
      pollMs: 150,
      // Run until the switch's discontinuity has left the window.
      done: (r) => r.playlists.some((p) => p.discontinuitySequence > 0 && switched && r.segments.length > 20),
      onPoll: async (r) => {
        if (!switched && r.segments.length >= 8) {
          switched = true;
          expect((await harness!.api('POST', '/api/channels/news/switch', { sourceId: 'b' })).status).toBe(200);
        }
      },
    });
    expect(result.playlists.at(-1)!.discontinuitySequence).toBeGreaterThan(0);
    for (const playlist of result.playlists) checkAlone(playlist, windowSegments);
    for (let index = 1; index < result.playlists.length; index += 1) {
      checkConsecutive(result.playlists[index - 1]!, result.playlists[index]!);
    }
    expect(new Set(result.playlists.map((p) => p.targetDuration))).toEqual(new Set([1]));
  });

  it('answers the first playlist request of an idle channel with segments, not a 404', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a'])] });
    const started = Date.now();
    const playlist = await harness.playlist('news');
    console.log(`first playable playlist after ${Date.now() - started} ms with ${playlist.segments.length} segments`);
    expect(playlist.segments.length).toBe(3);
    const unknown = await harness.fetchBytes('/stream/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
  });
});
