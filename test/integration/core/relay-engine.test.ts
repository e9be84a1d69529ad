import { afterEach, describe, expect, it } from 'vitest';
import { followRelay } from '../../helpers/follow-relay.js';
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

    // Map every relayed segment back to the origin's msn by content: consecutive msns, each fetched once.
    const gets = harness.origin.segmentGets('a');
    const first = Math.min(...gets.keys());
    const msns = result.segments.map((segment) => {
      for (let msn = first; msn <= harness!.origin.liveMsn('a'); msn += 1) {
        if (harness!.origin.segmentBytes('a', msn).equals(segment.bytes)) return msn;
      }
      return -1;
    });
    // Fixtures loop every 40 segments, so compare bytes at the msn each segment should be.
    const startMsn = [...gets.keys()].sort((x, y) => x - y)[0]!;
    result.segments.forEach((segment, index) => {
      expect(segment.bytes.equals(harness!.origin.segmentBytes('a', startMsn + index))).toBe(true);
    });
    expect(msns.every((msn) => msn >= 0)).toBe(true);
    for (const [msn, count] of gets) expect(count, `origin GETs of msn ${msn}`).toBe(1);
  });
});
