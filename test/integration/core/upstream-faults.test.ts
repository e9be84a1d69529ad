import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTransportStream } from '../../../src-main/core/media/check-segment.js';
import type { Fault, OriginRequest } from '../../../src-main/demo/live-origin.js';
import type { ChannelSnapshot, TimelineEvent } from '../../../src-main/shared/relay-types.js';
import { followRelay } from '../../helpers/follow-relay.js';
import { fixtureIdentifier, type Identify } from '../../helpers/identify-segments.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness;
let identify: Identify;

/** Scripted misbehaviour, per source: bursts of errors on playlist loads, broken segments by msn. */
function fault(request: OriginRequest): Fault | undefined {
  const { sourceId, kind, count, msn } = request;
  if (kind === 'playlist' && sourceId === 'a' && count >= 3 && count <= 5) return { status: [500, 502, 503][count - 3]! };
  if (kind === 'playlist' && sourceId === 'b' && count === 3) return { status: 509, headers: { 'retry-after': '2' } };
  if (kind === 'playlist' && sourceId === 'b' && count === 4) return { status: 429 };
  if (kind === 'segment' && sourceId === 'c' && msn !== undefined) {
    if (msn % 11 === 6) return { corruptSyncByte: true };
    if (msn % 13 === 3 && count === 0) return { stallAfter: 1000 };
    if (msn % 7 === 5 && count === 0) return { truncate: 2000 };
  }
  return undefined;
}

beforeAll(async () => {
  identify = await fixtureIdentifier(['a', 'b', 'c']);
  harness = await startHarness({
    origin: { sources: ['a', 'b', { id: 'c', windowSize: 14 }], fault },
    channels: [sourceChannel('bursts', ['a']), sourceChannel('limited', ['b']), sourceChannel('broken', ['c'])],
  });
});
afterAll(() => harness.close());

async function timeline(channelId: string): Promise<TimelineEvent[]> {
  return ((await harness.api('GET', `/api/channels/${channelId}/timeline`)).json as { events: TimelineEvent[] }).events;
}

function playlistRequestTimes(sourceId: string): { at: number; status: number }[] {
  return harness.origin.requests.filter((r) => r.sourceId === sourceId && r.kind === 'playlist').map(({ at, status }) => ({ at, status }));
}

describe('upstream faults', () => {
  it('backs off exponentially through a 500/502/503 burst and recovers', async () => {
    const result = await followRelay(harness, 'bursts', { done: (r) => r.segments.length >= 16, timeoutMs: 30_000 });
    expect(result.failures).toEqual([]);
    const loads = playlistRequestTimes('a');
    expect(loads.slice(3, 6).map((load) => load.status)).toEqual([500, 502, 503]);
    // 1 s after the first failure, 2 s after the second, 4 s after the third.
    expect(loads[4]!.at - loads[3]!.at).toBeGreaterThanOrEqual(950);
    expect(loads[5]!.at - loads[4]!.at).toBeGreaterThanOrEqual(1950);
    expect(loads[6]!.at - loads[5]!.at).toBeGreaterThanOrEqual(3950);
    const kinds = (await timeline('bursts')).map((event) => event.kind);
    expect(kinds).toContain('error');
    expect(kinds).toContain('recovered');
    const snapshot = (await harness.api('GET', '/api/channels/bursts')).json as ChannelSnapshot;
    expect(snapshot.state).toBe('playing');
    expect(snapshot.health.errorCount).toBe(3);
  });

  it('honours Retry-After on 509 and backs off on 429', async () => {
    const result = await followRelay(harness, 'limited', { done: (r) => r.segments.length >= 14, timeoutMs: 30_000 });
    expect(result.failures).toEqual([]);
    const loads = playlistRequestTimes('b');
    expect(loads.slice(3, 5).map((load) => load.status)).toEqual([509, 429]);
    expect(loads[4]!.at - loads[3]!.at).toBeGreaterThanOrEqual(1950);
    expect(loads[5]!.at - loads[4]!.at).toBeGreaterThanOrEqual(1950);
    const codes = (await timeline('limited')).filter((event) => event.kind === 'error').map((event) => event.message);
    expect(codes.join('\n')).toMatch(/HTTP 509[\s\S]*HTTP 429/);
  });

  it('never serves a stalled, truncated or corrupt segment, and marks what it skipped', async () => {
    const result = await followRelay(harness, 'broken', { done: (r) => r.segments.length >= 30, timeoutMs: 40_000 });
    expect(result.failures).toEqual([]);
    for (const segment of result.segments) {
      expect(checkTransportStream(segment.bytes)).toEqual({ ok: true });
      expect(identify(segment.bytes)?.sourceId).toBe('c');
    }
    const identities = result.segments.map((segment) => identify(segment.bytes)!);
    // Corrupt segments (fixture position 6 mod 11 of the msn) are skipped: the next one starts a new run.
    const skippedBefore = result.segments.filter((_, index) => index > 0 && identities[index]!.index !== (identities[index - 1]!.index + 1) % 40);
    expect(skippedBefore.length).toBeGreaterThan(0);
    for (const segment of skippedBefore) expect(segment.discontinuity).toBe(true);
    const events = await timeline('broken');
    expect(events.some((event) => event.code === 'segment-invalid' && /sync byte/.test(event.message))).toBe(true);
    expect(events.some((event) => event.code === 'upstream-truncated')).toBe(true);
    expect(events.some((event) => event.code === 'upstream-timeout')).toBe(true);
    // Truncated and stalled segments were fetched again and relayed whole.
    const gets = harness.origin.segmentGets('c');
    expect([...gets.values()].some((count) => count === 2)).toBe(true);
  });
});
