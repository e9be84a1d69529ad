import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureSource } from '../../../src-main/demo/fixtures.js';
import type { Fault, OriginRequest } from '../../../src-main/demo/live-origin.js';
import type { ChannelSnapshot, TimelineEvent } from '../../../src-main/shared/relay-types.js';
import { startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness;
/** Per source id: the fault its segments get from now on. */
const segmentFaults = new Map<string, Fault>();
let tinySegment: Buffer;

const channel = (id: string) => ({
  id,
  name: id,
  enabled: true,
  sources: [
    { id: 'main', url: `{origin}/${id}/index.m3u8` },
    { id: 'backup', url: '{origin}/b/index.m3u8' },
  ],
});

beforeAll(async () => {
  // Three packets of a real segment: valid MPEG-TS, a sliver of the bitrate.
  tinySegment = (await loadFixtureSource('a')).segments[0]!.bytes.subarray(0, 188 * 3);
  harness = await startHarness({
    origin: {
      sources: ['b', ...['stall', 'ended', 'invalid', 'slow', 'collapse'].map((id) => ({ id, fixture: 'a' }))],
      fault: (request: OriginRequest) => (request.kind === 'segment' && request.sourceId ? segmentFaults.get(request.sourceId) : undefined),
    },
    channels: ['stall', 'ended', 'invalid', 'slow', 'collapse'].map(channel),
  });
});
afterAll(() => harness.close());

async function failoverAfter(id: string, breakIt: () => void, warmUpMs = 2000): Promise<TimelineEvent> {
  const h = harness;
  await h.playlist(id);
  const deadline = Date.now() + 30_000;
  const play = async () => {
    // A player keeps the channel busy (and lazy start happy) while it runs.
    while (Date.now() < deadline) {
      const snapshot = (await h.api('GET', `/api/channels/${id}`)).json as ChannelSnapshot;
      if (snapshot.activeSourceId === 'backup') return snapshot;
      await h.fetchBytes(`/stream/${id}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${id}: no failover within 30 s`);
  };
  setTimeout(breakIt, warmUpMs);
  const snapshot = await play();
  expect(snapshot.lastSwitch).toMatchObject({ reason: 'failover', from: 'main', to: 'backup' });
  const events = ((await h.api('GET', `/api/channels/${id}/timeline`)).json as { events: TimelineEvent[] }).events;
  return events.find((event) => event.kind === 'failover')!;
}

describe.concurrent('failover triggers', () => {
  it('a playlist that stops advancing (stall)', async () => {
    const event = await failoverAfter('stall', () => harness.origin.pause('stall'));
    expect(event.message).toMatch(/no new segment/);
  });

  it('a source that ends its stream', async () => {
    const event = await failoverAfter('ended', () => harness.origin.end('ended'));
    expect(event.message).toMatch(/ended/);
  });

  it('repeated invalid segments', async () => {
    const event = await failoverAfter('invalid', () => segmentFaults.set('invalid', { corruptSyncByte: true }));
    expect(event.message).toMatch(/invalid segments in a row/);
  });

  it('segments downloading slower than real time', async () => {
    const event = await failoverAfter('slow', () => segmentFaults.set('slow', { delayMs: 900 }));
    expect(event.message).toMatch(/slower than real time/);
  });

  it('an online but broken stream whose bitrate collapses', async () => {
    const event = await failoverAfter('collapse', () => segmentFaults.set('collapse', { body: tinySegment }), 6000);
    expect(event.message).toMatch(/bitrate fell/);
  });
});
