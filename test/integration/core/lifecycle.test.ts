import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelSnapshot } from '../../../src-main/shared/relay-types.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lazy start and idle stop', () => {
  it('fetches nothing until a player asks, and stops after the idle time without players', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a']), sourceChannel('sports', ['b'])], settings: { idleTimeoutSec: 5 } });
    await sleep(1500);
    expect(harness.origin.requests).toHaveLength(0);
    const state = async (id: string) => ((await harness!.api('GET', `/api/channels/${id}`)).json as ChannelSnapshot).state;
    expect(await state('news')).toBe('idle');

    await harness.playlist('news');
    expect(await state('news')).toBe('playing');
    expect(await state('sports')).toBe('idle');
    expect(harness.origin.requests.every((request) => request.sourceId === 'a')).toBe(true);

    await sleep(6500);
    expect(await state('news')).toBe('idle');
    const requestsAtStop = harness.origin.requests.length;
    await sleep(1500);
    expect(harness.origin.requests.length).toBe(requestsAtStop);

    // A player coming back restarts it; its first new segment is a discontinuity, the sequence goes on.
    const again = await harness.playlist('news');
    expect(again.segments[0]!.discontinuity).toBe(true);
    expect(again.mediaSequence).toBeGreaterThan(0);
    const timeline = (await harness.api('GET', '/api/channels/news/timeline')).json as { events: { kind: string }[] };
    expect(timeline.events.map((event) => event.kind)).toEqual(expect.arrayContaining(['start', 'stop', 'client-join']));
  });

  it('leaves no upstream request running after destroy', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a'])] });
    await harness.playlist('news');
    await harness.relay.destroy();
    const count = harness.origin.requests.length;
    await sleep(1500);
    expect(harness.origin.requests.length).toBe(count);
  });
});
