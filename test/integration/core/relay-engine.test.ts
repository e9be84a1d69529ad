import { afterEach, describe, expect, it } from 'vitest';
import { followRelay } from '../../helpers/follow-relay.js';
import { unmarkSplice } from '../../helpers/identify-segments.js';
import { startHarness, sourceChannel, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('relay engine against a live origin', () => {
  it('relays 40+ consecutive upstream segments exactly once, in order, byte for byte', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a'])] });
    const result = await followRelay(harness, 'news', { done: (r) => r.segments.length >= 42, timeoutMs: 40_000 });
    expect(result.failures).toEqual([]);
    expect(result.segments.length).toBeGreaterThanOrEqual(42);
    const seqs = result.segments.map((s) => s.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));

    const gets = harness.origin.segmentGets('a');
    // Consecutive upstream msns, byte for byte (a segment after the origin's loop discontinuity carries the
    // relay's TS splice marking, which unmarkSplice removes).
    const startMsn = Math.min(...gets.keys());
    result.segments.forEach((segment, index) => {
      const upstream = harness!.origin.segmentBytes('a', startMsn + index);
      expect(segment.discontinuity ? unmarkSplice(segment.bytes).equals(upstream) : segment.bytes.equals(upstream)).toBe(true);
    });
    // The channel keeps running after the follower stopped reading: a newer segment may already be fetched.
    const followed = [...gets.keys()].filter((msn) => msn < startMsn + result.segments.length);
    expect(followed).toHaveLength(result.segments.length);
    for (const [msn, count] of gets) expect(count, `origin GETs of msn ${msn}`).toBe(1);
  });
});
