import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelSnapshot, TimelineEvent } from '../../../src-main/shared/relay-types.js';
import { followRelay, type FollowResult } from '../../helpers/follow-relay.js';
import { fixtureIdentifier } from '../../helpers/identify-segments.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const TARGET_MS = 1000;
const snapshot = async (h: Harness, id = 'news') => (await h.api('GET', `/api/channels/${id}`)).json as ChannelSnapshot;
const timeline = async (h: Harness, id = 'news') => ((await h.api('GET', `/api/channels/${id}/timeline`)).json as { events: TimelineEvent[] }).events;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Longest time the player saw no new segment appear, around the source change. */
function longestListingGap(result: FollowResult): number {
  let longest = 0;
  for (let index = 1; index < result.segments.length; index += 1) {
    longest = Math.max(longest, result.segments[index]!.listedAt - result.segments[index - 1]!.listedAt);
  }
  return longest;
}

describe('automatic failover', () => {
  it('replaces a source that dies mid-stream by the next one, continuous for the player', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b', 'c'])] });
    const h = harness;
    const identify = await fixtureIdentifier(['a', 'b', 'c']);
    let killedAt = 0;
    const result = await followRelay(h, 'news', {
      timeoutMs: 25_000,
      pollMs: 100,
      done: () => killedAt > 0 && Date.now() - killedAt > 5000,
      onPoll: (r) => {
        if (killedAt === 0 && r.segments.length >= 8) {
          killedAt = Date.now();
          h.origin.kill('a');
        }
      },
    });
    expect(result.failures).toEqual([]);
    const sources = result.segments.map((segment) => identify(segment.bytes)?.sourceId).join('');
    expect(sources).toMatch(/^a+b+$/);
    const firstB = result.segments.find((segment) => identify(segment.bytes)?.sourceId === 'b')!;
    expect(firstB.discontinuity).toBe(true);
    const seqs = result.segments.map((segment) => segment.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    const gap = longestListingGap(result);
    console.log(`failover: backup listed ${firstB.listedAt - killedAt} ms after the kill; longest listing gap ${gap} ms (${(gap / TARGET_MS).toFixed(2)} target durations)`);
    expect(gap).toBeLessThanOrEqual(2 * TARGET_MS);
    const current = await snapshot(h);
    expect(current).toMatchObject({ activeSourceId: 'b', state: 'playing', lastSwitch: { reason: 'failover', from: 'a', to: 'b' } });
    expect((await timeline(h)).some((event) => event.kind === 'failover')).toBe(true);
  });

  it('goes through the sources in order, reports failing when all are down, and recovers', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b', 'c'])] });
    const h = harness;
    await h.playlist('news');
    h.origin.kill('a', 'unavailable');
    await waitFor(async () => (await snapshot(h)).activeSourceId === 'b', 8000);
    h.origin.kill('b', 'unavailable');
    await waitFor(async () => (await snapshot(h)).activeSourceId === 'c', 8000);
    h.origin.kill('c', 'unavailable');
    await waitFor(async () => (await snapshot(h)).state === 'failing', 10_000);
    expect((await snapshot(h)).stateReason).toMatch(/every source failed/);
    h.origin.revive('b');
    await waitFor(async () => {
      const current = await snapshot(h);
      return current.state === 'playing' && current.activeSourceId === 'b';
    }, 20_000);
    const switches = (await timeline(h)).filter((event) => event.kind === 'failover' && event.message.startsWith('Now playing'));
    expect(switches.map((event) => event.sourceId)).toEqual(['b', 'c', 'b']);
  });

  it('returns to the preferred source once it is healthy again, not before the dwell time', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])], tuning: { failbackAfterMs: 2000, minDwellMs: 6000 } });
    const h = harness;
    await h.playlist('news');
    h.origin.kill('a');
    await waitFor(async () => (await snapshot(h)).activeSourceId === 'b', 8000);
    const failedOverAt = (await snapshot(h)).lastSwitch!.at;
    h.origin.revive('a');
    await waitFor(async () => (await snapshot(h)).activeSourceId === 'a', 15_000);
    const back = (await snapshot(h)).lastSwitch!;
    expect(back.reason).toBe('failback');
    expect(back.at - failedOverAt).toBeGreaterThanOrEqual(6000);
    // The preferred source was probed by its playlist only while the backup played.
    const probeSegments = h.origin.requests.filter((r) => r.sourceId === 'a' && r.kind === 'segment' && r.at > failedOverAt && r.at < back.at - 1000);
    expect(probeSegments).toEqual([]);
  });

  it('never fails back from a source the user pinned', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])], tuning: { failbackAfterMs: 1000, minDwellMs: 1000 } });
    const h = harness;
    await h.playlist('news');
    expect((await h.api('POST', '/api/channels/news/switch', { sourceId: 'b' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await snapshot(h)).toMatchObject({ activeSourceId: 'b', pinned: true });
    expect((await h.api('PATCH', '/api/channels/news', { pinned: false })).status).toBe(200);
    await waitFor(async () => (await snapshot(h)).activeSourceId === 'a', 10_000);
  });

  it('switches break-before-make when the provider allows one connection, and never exceeds it', async () => {
    const onProvider = (id: string, sourceIds: string[]) => {
      const channel = sourceChannel(id, sourceIds);
      return { ...channel, sources: channel.sources.map((source) => ({ ...source, provider: 'myiptv' })) };
    };
    harness = await startHarness({
      channels: [onProvider('news', ['a', 'b']), onProvider('sports', ['c'])],
      providers: [{ id: 'myiptv', maxConnections: 1 }],
    });
    const h = harness;
    await h.playlist('news');
    const outcome = await h.api('POST', '/api/channels/news/switch', { sourceId: 'b' });
    expect(outcome.status).toBe(200);
    const firstB = h.origin.requests.find((r) => r.sourceId === 'b')!;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Break-before-make: source A was stopped before source B's first request.
    expect(h.origin.requests.filter((r) => r.sourceId === 'a' && r.at > firstB.at)).toEqual([]);

    // A second channel of the same provider cannot start while the first one plays.
    const sports = await h.fetchBytes('/stream/sports');
    expect(sports.status).toBe(503);
    expect(await snapshot(h, 'sports')).toMatchObject({ state: 'failing', stateReason: expect.stringMatching(/connection limit/) });
    expect(h.origin.requests.filter((r) => r.sourceId === 'c')).toEqual([]);
  });
});
