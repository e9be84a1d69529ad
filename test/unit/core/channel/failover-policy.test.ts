import { describe, expect, it } from 'vitest';
import { tuningFromSettings, type ChannelTuning } from '../../../../src-main/core/channel/channel-tuning.js';
import { failoverReason, shouldFailBack, stallReason, type SourceFacts } from '../../../../src-main/core/channel/failover-policy.js';
import type { ErrorCode } from '../../../../src-main/shared/error-codes.js';
import { DEFAULT_SETTINGS } from '../../../../src-main/shared/lineup-types.js';

const NOW = 1_000_000;
const TUNING: ChannelTuning = tuningFromSettings(DEFAULT_SETTINGS);

/** A healthy source with a 2 s target duration that stored a segment just now. */
function facts(extra: Partial<SourceFacts> = {}): SourceFacts {
  return {
    now: NOW,
    lastProgressAt: NOW,
    targetDuration: 2,
    failures: 0,
    lastErrorCode: null,
    ended: false,
    invalidStreak: 0,
    slowRatio: null,
    recentBitrate: null,
    averageBitrate: null,
    declaredBandwidth: null,
    ...extra,
  };
}

/** Silent for `ms` (no segment stored). */
function silentFor(ms: number): Pick<SourceFacts, 'lastProgressAt'> {
  return { lastProgressAt: NOW - ms };
}

describe('failoverReason', () => {
  it('leaves a healthy source alone', () => {
    expect(failoverReason(facts(), TUNING)).toBeNull();
  });

  it('leaves a source that ended its stream', () => {
    expect(failoverReason(facts({ ended: true }), TUNING)?.code).toBe('playlist-ended');
  });

  const HARD: ErrorCode[] = ['upstream-refused', 'upstream-dns', 'upstream-status', 'playlist-invalid', 'upstream-redirect-loop', 'invalid-url'];
  const SOFT: ErrorCode[] = ['upstream-timeout', 'upstream-network', 'upstream-truncated', 'segment-invalid', 'upstream-too-large'];

  it.each(HARD)('leaves after one %s once a target duration passed without a segment', (code) => {
    expect(failoverReason(facts({ failures: 1, lastErrorCode: code, ...silentFor(1999) }), TUNING)).toBeNull();
    expect(failoverReason(facts({ failures: 1, lastErrorCode: code, ...silentFor(2000) }), TUNING)?.code).toBe(code);
  });

  it.each(SOFT)('leaves after %s once one and a half target durations passed without a segment', (code) => {
    expect(failoverReason(facts({ failures: 1, lastErrorCode: code, ...silentFor(2999) }), TUNING)).toBeNull();
    expect(failoverReason(facts({ failures: 2, lastErrorCode: code, ...silentFor(2999) }), TUNING)).toBeNull();
    expect(failoverReason(facts({ failures: 1, lastErrorCode: code, ...silentFor(3000) }), TUNING)?.code).toBe(code);
  });

  it('waits for silence, not for errors: a source still delivering segments between errors stays', () => {
    expect(failoverReason(facts({ failures: 3, lastErrorCode: 'upstream-refused', ...silentFor(500) }), TUNING)).toBeNull();
  });

  it('leaves once failures are past the backoff cap (1, 2, 4, 8 s) even right after a segment', () => {
    expect(failoverReason(facts({ failures: 3, lastErrorCode: 'upstream-timeout' }), TUNING)).toBeNull();
    expect(failoverReason(facts({ failures: 4, lastErrorCode: 'upstream-timeout' }), TUNING)?.code).toBe('upstream-timeout');
  });

  it('reports upstream-network when the failing request left no code', () => {
    expect(failoverReason(facts({ failures: 4 }), TUNING)?.code).toBe('upstream-network');
  });

  it.each([
    [5999, null],
    [6000, 'source-stalled'],
    [60_000, 'source-stalled'],
  ])('silent %i ms with a 2 s target (stall at 3 target durations) → %s', (silentMs, code) => {
    expect(failoverReason(facts(silentFor(silentMs)), TUNING)?.code ?? null).toBe(code);
  });

  it('scales the stall threshold with the target duration', () => {
    expect(failoverReason(facts({ targetDuration: 10, ...silentFor(29_999) }), TUNING)).toBeNull();
    expect(failoverReason(facts({ targetDuration: 10, ...silentFor(30_000) }), TUNING)?.code).toBe('source-stalled');
  });

  it.each([
    [null, null],
    [0.4, null],
    [1, null],
    [1.01, 'source-slow'],
    [3, 'source-slow'],
  ])('download ratio %s → %s (slower than real time cannot keep up)', (slowRatio, code) => {
    expect(failoverReason(facts({ slowRatio }), TUNING)?.code ?? null).toBe(code);
  });

  it.each([
    [2, null],
    [3, 'segment-invalid'],
    [9, 'segment-invalid'],
  ])('%i invalid segments in a row → %s', (invalidStreak, code) => {
    expect(failoverReason(facts({ invalidStreak }), TUNING)?.code ?? null).toBe(code);
  });

  it.each<[string, Partial<SourceFacts>, string | null]>([
    ['no bitrate known yet', { recentBitrate: null, averageBitrate: 2_000_000, declaredBandwidth: 2_000_000 }, null],
    ['steady bitrate', { recentBitrate: 1_900_000, averageBitrate: 2_000_000 }, null],
    ['exactly 20 % of the running average', { recentBitrate: 400_000, averageBitrate: 2_000_000 }, null],
    ['below 20 % of the running average (black frames, a slate)', { recentBitrate: 399_000, averageBitrate: 2_000_000 }, 'source-slow'],
    ['far below the declared BANDWIDTH with no average yet', { recentBitrate: 99_000, declaredBandwidth: 1_000_000 }, 'source-slow'],
    ['at 10 % of the declared BANDWIDTH', { recentBitrate: 100_000, declaredBandwidth: 1_000_000 }, null],
    ['low against an optimistic declared BANDWIDTH only', { recentBitrate: 300_000, averageBitrate: 320_000, declaredBandwidth: 2_000_000 }, null],
  ])('bitrate: %s → %s', (_name, bitrates, code) => {
    expect(failoverReason(facts(bitrates), TUNING)?.code ?? null).toBe(code);
  });

  it('puts the end of the stream before errors, and errors before a stall', () => {
    const everything = facts({ ended: true, failures: 5, lastErrorCode: 'upstream-dns', ...silentFor(60_000), invalidStreak: 5, slowRatio: 4 });
    expect(failoverReason(everything, TUNING)?.code).toBe('playlist-ended');
    expect(failoverReason({ ...everything, ended: false }, TUNING)?.code).toBe('upstream-dns');
    expect(failoverReason({ ...everything, ended: false, failures: 0 }, TUNING)?.code).toBe('source-stalled');
  });

  it('explains itself in words', () => {
    expect(failoverReason(facts(silentFor(7500)), TUNING)?.message).toBe('no new segment for 7.5 s');
    expect(failoverReason(facts({ failures: 4, lastErrorCode: 'upstream-timeout' }), TUNING)?.message).toMatch(/4 errors/);
  });
});

describe('stallReason', () => {
  it.each<[Partial<SourceFacts>, string | null]>([
    [{}, null],
    [silentFor(6000), 'source-stalled'],
    [{ slowRatio: 1.5 }, 'source-slow'],
    // A stall is reported whatever the errors: it is the channel state, even with a single source.
    [{ failures: 1, lastErrorCode: 'upstream-timeout', ...silentFor(6000) }, 'source-stalled'],
    [{ ended: true }, null],
    [{ invalidStreak: 10 }, null],
  ])('%j → %s', (extra, code) => {
    expect(stallReason(facts(extra), TUNING)?.code ?? null).toBe(code);
  });
});

describe('shouldFailBack', () => {
  const tuning = { failbackAfterMs: 30_000, minDwellMs: 30_000 };

  it.each<[string, { preferredHealthySince: number | null; lastSwitchAt: number; pinned: boolean }, boolean]>([
    ['preferred healthy long enough, dwelled long enough', { preferredHealthySince: NOW - 30_000, lastSwitchAt: NOW - 30_000, pinned: false }, true],
    ['preferred not healthy', { preferredHealthySince: null, lastSwitchAt: NOW - 600_000, pinned: false }, false],
    ['preferred healthy only 29.999 s', { preferredHealthySince: NOW - 29_999, lastSwitchAt: NOW - 600_000, pinned: false }, false],
    ['switched 29.999 s ago: dwell first', { preferredHealthySince: NOW - 600_000, lastSwitchAt: NOW - 29_999, pinned: false }, false],
    ['pinned by a manual switch', { preferredHealthySince: NOW - 600_000, lastSwitchAt: NOW - 600_000, pinned: true }, false],
  ])('%s → %s', (_name, input, expected) => {
    expect(shouldFailBack({ now: NOW, tuning, ...input })).toBe(expected);
  });
});
