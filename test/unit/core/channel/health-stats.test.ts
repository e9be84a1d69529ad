import { describe, expect, it } from 'vitest';
import { HealthStats, type SegmentSample } from '../../../../src-main/core/channel/health-stats.js';

const T0 = 1_700_000_000_000; // on a 5 s bucket boundary

function sample(at: number, extra: Partial<SegmentSample> = {}): SegmentSample {
  // 250 000 bytes in 2 s: 1 Mbit/s; downloaded in 500 ms: ratio 0.25.
  return { at, bytes: 250_000, durationSec: 2, downloadMs: 500, bufferedSeconds: 12, ...extra };
}

describe('HealthStats', () => {
  it('knows nothing before the first segment', () => {
    const stats = new HealthStats();
    expect(stats.bitrateBps()).toBeNull();
    expect(stats.downloadRatio()).toBeNull();
    expect(stats.last()).toBeUndefined();
    expect(stats.history()).toEqual([]);
  });

  it('records a history point per segment: bitrate, download ratio and buffered seconds', () => {
    const stats = new HealthStats();
    stats.record(sample(T0, { bytes: 125_000, durationSec: 2.002, downloadMs: 1234, bufferedSeconds: 11.6789 }));
    expect(stats.history()).toEqual([{ at: T0, bitrateBps: 499_500, downloadRatio: 0.616, bufferedSeconds: 11.68 }]);
  });

  it('computes the media bitrate over the recent segments, weighted by duration', () => {
    const stats = new HealthStats();
    stats.record(sample(T0, { bytes: 100_000, durationSec: 1 }));
    stats.record(sample(T0 + 6000, { bytes: 500_000, durationSec: 4 }));
    // 600 000 bytes over 5 s = 960 kbit/s.
    expect(stats.bitrateBps()).toBe(960_000);
  });

  it('averages the download ratio of the last N segments', () => {
    const stats = new HealthStats();
    [500, 1000, 3000, 4000].forEach((downloadMs, index) => stats.record(sample(T0 + index * 6000, { downloadMs })));
    expect(stats.downloadRatio(2)).toBeCloseTo(7000 / 4000, 10);
    expect(stats.downloadRatio()).toBeCloseTo(8500 / 8000, 10);
    expect(stats.recentCount()).toBe(4);
  });

  it('rolls over the last 8 segments', () => {
    const stats = new HealthStats();
    for (let index = 0; index < 8; index += 1) stats.record(sample(T0 + index * 6000, { bytes: 1000 }));
    for (let index = 8; index < 16; index += 1) stats.record(sample(T0 + index * 6000, { bytes: 250_000 }));
    expect(stats.recentCount()).toBe(8);
    expect(stats.bitrateBps()).toBe(1_000_000);
  });

  it('forgets the rolling figures on a new source but keeps the history', () => {
    const stats = new HealthStats();
    stats.record(sample(T0));
    stats.resetRates();
    expect(stats.bitrateBps()).toBeNull();
    expect(stats.recentCount()).toBe(0);
    expect(stats.history()).toHaveLength(1);
  });

  it('merges samples of one 5-second bucket into one averaged point', () => {
    const stats = new HealthStats();
    stats.record(sample(T0, { bytes: 125_000, durationSec: 1, bufferedSeconds: 10 }));
    stats.record(sample(T0 + 1000, { bytes: 250_000, durationSec: 1, bufferedSeconds: 11 }));
    stats.record(sample(T0 + 4999, { bytes: 375_000, durationSec: 1, bufferedSeconds: 12 }));
    stats.record(sample(T0 + 5000, { bytes: 125_000, durationSec: 1, bufferedSeconds: 9 }));
    expect(stats.history().map(({ at, bitrateBps, bufferedSeconds }) => ({ at, bitrateBps, bufferedSeconds }))).toEqual([
      { at: T0 + 4999, bitrateBps: 2_000_000, bufferedSeconds: 11 },
      { at: T0 + 5000, bitrateBps: 1_000_000, bufferedSeconds: 9 },
    ]);
  });

  it('keeps five minutes of history, whatever the segment length (bounded size)', () => {
    const stats = new HealthStats();
    // Half-second segments for ten minutes.
    for (let at = T0; at < T0 + 600_000; at += 500) stats.record(sample(at, { durationSec: 0.5 }));
    const history = stats.history();
    expect(history.length).toBeLessThanOrEqual(61);
    expect(history.at(-1)!.at - history[0]!.at).toBeLessThanOrEqual(300_000);
    expect(history.at(-1)!.at).toBe(T0 + 599_500);
  });

  it('hands out a copy of the history', () => {
    const stats = new HealthStats();
    stats.record(sample(T0));
    stats.history().pop();
    expect(stats.history()).toHaveLength(1);
  });
});
