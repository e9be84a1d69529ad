import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentBuffer, type PlaylistWindow, type SegmentBufferOptions } from '../../../../src-main/core/buffer/segment-buffer.js';
import type { NewSegment } from '../../../../src-main/core/buffer/stored-segment.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');

function newSegment(extra: Partial<NewSegment> = {}): NewSegment {
  return {
    bytes: Buffer.alloc(1000),
    duration: 2,
    discontinuity: false,
    container: 'ts',
    sourceId: 'a',
    upstreamMsn: 0,
    storedAt: T0,
    downloadMs: 50,
    ...extra,
  };
}

function bufferOf(options: Partial<SegmentBufferOptions> = {}): SegmentBuffer {
  return new SegmentBuffer({ capacity: 16, maxBytes: 256 * 1024 * 1024, windowSegments: 6, ...options });
}

/** Appends `count` segments one target duration apart (a live source), returning the time after the last. */
function feed(buffer: SegmentBuffer, count: number, start: number, extra: Partial<NewSegment> = {}): number {
  let now = start;
  for (let index = 0; index < count; index += 1) {
    buffer.append(newSegment(extra), now);
    now += (extra.duration ?? 2) * 1000;
  }
  return now;
}

function seqs(window: PlaylistWindow): number[] {
  return window.segments.map((segment) => segment.seq);
}

function seconds(window: PlaylistWindow): number {
  return window.segments.reduce((total, segment) => total + segment.duration, 0);
}

describe('SegmentBuffer: numbering and window', () => {
  it('numbers segments from 0 in arrival order and lists the last N', () => {
    const buffer = bufferOf({ windowSegments: 4 });
    const stored = [0, 1, 2, 3, 4, 5].map((index) => buffer.append(newSegment({ upstreamMsn: 500 + index }), T0 + index * 2000));
    expect(stored.map((segment) => [segment.seq, segment.upstreamMsn])).toEqual([
      [0, 500],
      [1, 501],
      [2, 502],
      [3, 503],
      [4, 504],
      [5, 505],
    ]);
    const window = buffer.window();
    expect(seqs(window)).toEqual([2, 3, 4, 5]);
    // EXT-X-MEDIA-SEQUENCE is the sequence number of the first listed segment (§4.3.3.2).
    expect(window.mediaSequence).toBe(2);
  });

  it('lists fewer than N while filling', () => {
    const buffer = bufferOf({ windowSegments: 6 });
    feed(buffer, 2, T0);
    expect(seqs(buffer.window())).toEqual([0, 1]);
    expect(buffer.window().mediaSequence).toBe(0);
  });

  it('starts empty', () => {
    const buffer = bufferOf();
    expect(buffer.window()).toEqual({ segments: [], mediaSequence: 0, discontinuitySequence: 0, targetDuration: 0 });
    expect(buffer.hasHistory).toBe(false);
    expect(buffer.newest()).toBeUndefined();
    expect(buffer.get(0, T0)).toBeUndefined();
  });

  it('keeps at least three target durations listed once filled (§6.2.2), even past N segments', () => {
    // Half-second segments: target duration 1 s, so 3 s = 6 segments must stay listed although N is 3.
    const buffer = bufferOf({ windowSegments: 3 });
    feed(buffer, 20, T0, { duration: 0.5 });
    const window = buffer.window();
    expect(window.targetDuration).toBe(1);
    expect(window.segments).toHaveLength(6);
    expect(seconds(window)).toBeGreaterThanOrEqual(3);
  });

  it('grows the window when a longer segment raises the target duration', () => {
    const buffer = bufferOf({ windowSegments: 3 });
    let now = feed(buffer, 5, T0, { duration: 2 });
    expect(seqs(buffer.window())).toEqual([2, 3, 4]);
    buffer.append(newSegment({ duration: 5 }), now);
    now += 5000;
    // Target 5 s: 15 s must stay listed, so nothing may leave yet.
    expect(buffer.window().targetDuration).toBe(5);
    expect(seqs(buffer.window())).toEqual([2, 3, 4, 5]);
    feed(buffer, 3, now, { duration: 5 });
    expect(seqs(buffer.window())).toEqual([6, 7, 8]);
    expect(seconds(buffer.window())).toBeGreaterThanOrEqual(15);
  });

  it.each([
    [[2.002], 3],
    [[2], 2],
    [[0.5, 0.5], 1],
    [[5.005, 6, 4.2], 6],
    [[6.001], 7],
    [[9.99, 10], 10],
    [[0.04], 1],
  ])('target duration of segments %j is %i: EXTINF never above it (§4.3.3.1)', (durations, target) => {
    const buffer = bufferOf();
    durations.forEach((duration, index) => buffer.append(newSegment({ duration }), T0 + index * 1000));
    expect(buffer.window().targetDuration).toBe(target);
  });

  it('never lowers the target duration when segments get shorter', () => {
    const buffer = bufferOf({ windowSegments: 3 });
    const now = feed(buffer, 3, T0, { duration: 6 });
    feed(buffer, 40, now, { duration: 1 });
    expect(buffer.window().targetDuration).toBe(6);
  });

  it('counts the discontinuities that left the window in EXT-X-DISCONTINUITY-SEQUENCE (§4.3.3.3, §6.2.2)', () => {
    const buffer = bufferOf({ windowSegments: 3 });
    const flags = [true, false, true, false, false, true, false, false, false];
    const sequences = flags.map((discontinuity, index) => {
      buffer.append(newSegment({ discontinuity }), T0 + index * 2000);
      return buffer.window().discontinuitySequence;
    });
    // Windows: [0] [0,1] [0,1,2] then slides: seq 0 (disc) leaves at index 3, 2 (disc) at 5, 5 (disc) at 8.
    expect(sequences).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 3]);
  });

  it('keeps every listed segment at the same media and discontinuity sequence number from reload to reload (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), duration: fc.double({ min: 0.2, max: 8, noNaN: true }), discontinuity: fc.boolean(), gapMs: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 0, max: 12 }), fc.array(step, { maxLength: 60 }), (windowSegments, extraCapacity, steps) => {
        const buffer = bufferOf({ windowSegments, capacity: windowSegments + extraCapacity });
        const dsnOf = new Map<number, number>();
        let now = T0;
        let previous = buffer.window();
        for (const action of steps) {
          if (action.kind === 'clear') buffer.clear();
          else {
            now += action.gapMs;
            buffer.append(newSegment({ duration: action.duration, discontinuity: action.discontinuity }), now);
          }
          const window = buffer.window();
          expect(window.mediaSequence).toBeGreaterThanOrEqual(previous.mediaSequence);
          expect(window.discontinuitySequence).toBeGreaterThanOrEqual(previous.discontinuitySequence);
          expect(window.targetDuration).toBeGreaterThanOrEqual(previous.targetDuration);
          let dsn = window.discontinuitySequence;
          window.segments.forEach((segment, index) => {
            expect(segment.seq).toBe(window.mediaSequence + index);
            expect(Math.round(segment.duration)).toBeLessThanOrEqual(window.targetDuration);
            if (segment.discontinuity) dsn += 1;
            // RFC 8216 §6.2.2: a segment's discontinuity sequence number never changes.
            expect(dsnOf.get(segment.seq) ?? dsn).toBe(dsn);
            dsnOf.set(segment.seq, dsn);
          });
          if (action.kind === 'append') {
            // No more than N listed unless three target durations require it.
            if (window.segments.length > windowSegments) expect(seconds({ ...window, segments: window.segments.slice(1) })).toBeLessThan(3 * window.targetDuration);
            // A removal never leaves less than three target durations listed.
            if (window.mediaSequence > previous.mediaSequence && previous.segments.length > 0) {
              expect(seconds(window)).toBeGreaterThanOrEqual(3 * window.targetDuration - 1e-9);
            }
          }
          previous = window;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SegmentBuffer: availability after leaving the window (§6.2.2)', () => {
  // capacity = window: the ring is always full, so expiry alone decides.
  const options = { windowSegments: 3, capacity: 3 };

  it('serves a segment that left the window for its duration plus the window duration, then drops it', () => {
    const buffer = bufferOf(options);
    const now = feed(buffer, 4, T0);
    // Seq 0 left when seq 3 arrived (at T0 + 6 s), while 8 s were listed: it expires at T0 + 6 + 2 + 8 s.
    const leftAt = T0 + 6000;
    const expiresAt = leftAt + (2 + 8) * 1000;
    expect(seqs(buffer.window())).toEqual([1, 2, 3]);
    expect(now).toBe(T0 + 8000);
    expect(buffer.get(0, expiresAt - 1)?.seq).toBe(0);
    expect(buffer.get(0, expiresAt)).toBeUndefined();
    expect(buffer.get(1, expiresAt)?.seq).toBe(1);
  });

  it('keeps a segment that left the window while the ring has room, whatever its age', () => {
    const buffer = bufferOf({ windowSegments: 3, capacity: 10 });
    feed(buffer, 4, T0);
    expect(buffer.get(0, T0 + 3_600_000)?.seq).toBe(0);
  });

  it('keeps the ring at capacity once expired segments go', () => {
    const buffer = bufferOf({ windowSegments: 3, capacity: 5 });
    feed(buffer, 30, T0);
    // Appends come one duration apart, far slower than the expiry (duration + window): only capacity limits.
    expect(buffer.size).toBeLessThanOrEqual(8);
    expect(buffer.size).toBeGreaterThanOrEqual(5);
    expect(buffer.get(29, T0 + 60_000)?.seq).toBe(29);
  });

  it('never drops a listed segment however old', () => {
    const buffer = bufferOf(options);
    feed(buffer, 3, T0);
    expect([0, 1, 2].map((seq) => buffer.get(seq, T0 + 86_400_000)?.seq)).toEqual([0, 1, 2]);
  });

  it.each([[-1], [3], [1.5], [Number.NaN], [Number.MAX_SAFE_INTEGER + 2]])('answers undefined for seq %d', (seq) => {
    const buffer = bufferOf(options);
    feed(buffer, 3, T0);
    expect(buffer.get(seq, T0)).toBeUndefined();
  });
});

describe('SegmentBuffer: byte budget', () => {
  it('drops segments that left the window first, at once, when over budget', () => {
    const buffer = bufferOf({ windowSegments: 3, capacity: 100, maxBytes: 3500 });
    feed(buffer, 5, T0);
    expect(seqs(buffer.window())).toEqual([2, 3, 4]);
    expect(buffer.get(1, T0 + 10_000)).toBeUndefined();
    expect(buffer.byteSize).toBeLessThanOrEqual(3500);
  });

  it('never cuts the window to meet the budget', () => {
    const buffer = bufferOf({ windowSegments: 4, capacity: 100, maxBytes: 1500 });
    feed(buffer, 10, T0);
    expect(seqs(buffer.window())).toEqual([6, 7, 8, 9]);
    expect([6, 7, 8, 9].map((seq) => buffer.get(seq, T0 + 20_000)?.seq)).toEqual([6, 7, 8, 9]);
    expect(buffer.byteSize).toBe(4000);
  });

  it('tracks its size in bytes', () => {
    const buffer = bufferOf({ windowSegments: 3, capacity: 3 });
    buffer.append(newSegment({ bytes: Buffer.alloc(100) }), T0);
    buffer.append(newSegment({ bytes: Buffer.alloc(250) }), T0 + 2000);
    expect(buffer.byteSize).toBe(350);
    expect(buffer.size).toBe(2);
  });
});

describe('SegmentBuffer: clear', () => {
  it('empties the window and the store but keeps numbering, media sequence and discontinuity sequence going', () => {
    const buffer = bufferOf({ windowSegments: 3 });
    buffer.append(newSegment({ discontinuity: true }), T0);
    feed(buffer, 4, T0 + 2000);
    buffer.append(newSegment({ discontinuity: true }), T0 + 10_000);
    const before = buffer.window();
    expect(before.discontinuitySequence).toBe(1);
    buffer.clear();
    const cleared = buffer.window();
    expect(cleared.segments).toEqual([]);
    expect(buffer.byteSize).toBe(0);
    expect(buffer.size).toBe(0);
    expect(buffer.hasHistory).toBe(true);
    // The discontinuity at seq 5 left with the clear.
    expect(cleared.discontinuitySequence).toBe(2);
    const next = buffer.append(newSegment({ discontinuity: true }), T0 + 60_000);
    expect(next.seq).toBe(6);
    expect(buffer.window().mediaSequence).toBe(6);
    expect(buffer.window().targetDuration).toBe(before.targetDuration);
    expect(buffer.get(5, T0 + 60_000)).toBeUndefined();
  });
});

describe('SegmentBuffer: program date-time', () => {
  it('dates a run without upstream dates from its arrival and continues by duration, whatever the arrival jitter', () => {
    const buffer = bufferOf();
    const arrivals = [T0, T0 + 100, T0 + 150, T0 + 4000, T0 + 4100];
    const durations = [2, 2.002, 1.5, 2, 2];
    const dates = arrivals.map((at, index) => buffer.append(newSegment({ duration: durations[index]! }), at).programDateTime);
    expect(dates).toEqual([T0, T0 + 2000, T0 + 4002, T0 + 5502, T0 + 7502]);
  });

  it('starts a new run at its arrival time after a discontinuity', () => {
    const buffer = bufferOf();
    buffer.append(newSegment(), T0);
    expect(buffer.append(newSegment({ discontinuity: true }), T0 + 30_000).programDateTime).toBe(T0 + 30_000);
  });

  it('never dates a new run before the end of the previous one (a burst at the live edge runs ahead of the clock)', () => {
    const buffer = bufferOf();
    // Three segments fetched at once at start: they are dated T0, T0 + 2 s, T0 + 4 s.
    feed(buffer, 3, T0, { duration: 2 });
    expect(buffer.newest()!.programDateTime).toBe(T0 + 4000);
    // A switch one second later must not go back in time.
    expect(buffer.append(newSegment({ discontinuity: true }), T0 + 1000).programDateTime).toBe(T0 + 6000);
  });

  it('dates only move forward, and within a run by exactly the durations (property)', () => {
    const step = fc.record({ duration: fc.double({ min: 0.1, max: 10, noNaN: true }), discontinuity: fc.boolean(), gapMs: fc.integer({ min: 0, max: 20_000 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const buffer = bufferOf();
        let now = T0;
        let previous: { programDateTime: number; duration: number } | undefined;
        for (const { duration, discontinuity, gapMs } of steps) {
          now += gapMs;
          const stored = buffer.append(newSegment({ duration, discontinuity }), now);
          if (previous) {
            const continued = previous.programDateTime + previous.duration * 1000;
            if (discontinuity) expect(stored.programDateTime).toBeGreaterThanOrEqual(continued);
            else expect(stored.programDateTime).toBe(continued);
          }
          previous = stored;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps an upstream date as it is, and continues from it', () => {
    const upstream = Date.parse('2025-03-01T08:00:00.000Z');
    const buffer = bufferOf();
    expect(buffer.append(newSegment({ programDateTime: upstream }), T0).programDateTime).toBe(upstream);
    expect(buffer.append(newSegment(), T0 + 2000).programDateTime).toBe(upstream + 2000);
  });

  it('restarts from the arrival time after clear()', () => {
    const buffer = bufferOf();
    feed(buffer, 3, T0);
    buffer.clear();
    expect(buffer.append(newSegment(), T0 + 99_000).programDateTime).toBe(T0 + 99_000);
  });
});
