import { describe, expect, it } from 'vitest';
import { createLiveTimeline, discontinuitySequenceAt, isLoopBoundary } from '../../../src-main/demo/live-timeline.js';

function timelineAt(startMsn: number, windowSize = 6) {
  const clock = { now: 1_000_000 };
  const timeline = createLiveTimeline({ startMsn, windowSize, segmentDurationMs: 500, now: () => clock.now });
  return { clock, timeline };
}

describe('createLiveTimeline', () => {
  it('starts with a full window and adds one segment per segment duration', () => {
    const { clock, timeline } = timelineAt(100);
    expect([timeline.mediaSequence(), timeline.liveMsn()]).toEqual([100, 105]);
    clock.now += 499;
    expect(timeline.mediaSequence()).toBe(100);
    clock.now += 1;
    expect([timeline.mediaSequence(), timeline.liveMsn()]).toEqual([101, 106]);
    clock.now += 5_000;
    expect(timeline.mediaSequence()).toBe(111);
  });

  it('serves the window plus a grace of one window, nothing from the future or before the run', () => {
    const { clock, timeline } = timelineAt(100, 3);
    expect([99, 100, 102, 103].map((msn) => timeline.isServable(msn))).toEqual([false, true, true, false]);
    clock.now += 5 * 500; // window 105..107, grace 102..104
    expect([101, 102, 107, 108].map((msn) => timeline.isServable(msn))).toEqual([false, true, true, false]);
  });

  it('stands still while paused and continues from there on resume', () => {
    const { clock, timeline } = timelineAt(100);
    clock.now += 1_200;
    timeline.pause();
    clock.now += 10_000;
    expect([timeline.paused, timeline.mediaSequence()]).toEqual([true, 102]);
    timeline.resume();
    expect(timeline.mediaSequence()).toBe(102);
    clock.now += 500;
    expect([timeline.paused, timeline.mediaSequence()]).toEqual([false, 103]);
  });

  it('keeps each segment’s program date time across a pause and dates new segments from the resume', () => {
    const { clock, timeline } = timelineAt(100);
    const start = clock.now;
    // The window at the start was produced in the six segment durations before it.
    expect(timeline.programDateTime(100)).toBe(start - 3_000);
    expect(timeline.programDateTime(105)).toBe(start - 500);
    timeline.pause();
    clock.now += 60_000;
    timeline.resume();
    expect(timeline.programDateTime(105)).toBe(start - 500);
    expect(timeline.programDateTime(106)).toBe(start + 60_000);
    expect(timeline.programDateTime(107)).toBe(start + 60_500);
  });

  it('ends frozen until a restart, which starts a new run from its start msn', () => {
    const { clock, timeline } = timelineAt(100);
    clock.now += 2_000;
    timeline.end();
    timeline.resume();
    clock.now += 2_000;
    expect([timeline.ended, timeline.mediaSequence()]).toEqual([true, 104]);
    timeline.restart(7);
    expect([timeline.ended, timeline.paused, timeline.runStartMsn]).toEqual([false, false, 7]);
    expect(timeline.mediaSequence()).toBe(7);
    expect(timeline.isServable(104)).toBe(false);
  });
});

describe('loop boundaries', () => {
  it.each([
    // msn, runStart, loop length, boundary?
    [40, 38, 40, true],
    [40, 40, 40, false], // the first segment of a run needs no discontinuity
    [41, 38, 40, false],
    [80, 0, 40, true],
  ])('isLoopBoundary(%i, run %i, loop %i) is %s', (msn, runStart, loop, expected) => {
    expect(isLoopBoundary(msn, runStart, loop)).toBe(expected);
  });

  it.each([
    // media sequence, runStart, loop length, boundaries that left the window
    [38, 38, 40, 0],
    [40, 38, 40, 0],
    [41, 38, 40, 1],
    [81, 38, 40, 2],
    [80, 40, 40, 0],
    [81, 40, 40, 1],
    [7, 0, 3, 2],
  ])('discontinuitySequenceAt(%i, run %i, loop %i) is %i', (mediaSequence, runStart, loop, expected) => {
    expect(discontinuitySequenceAt(mediaSequence, runStart, loop)).toBe(expected);
  });
});
