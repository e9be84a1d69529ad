import { describe, expect, it } from 'vitest';
import { nextReloadDelay } from '../../../../src-main/core/playlist/reload-delay.js';

describe('nextReloadDelay (RFC 8216 §6.3.4)', () => {
  it.each([
    // [target duration s, playlist changed, ms since the load began, expected wait]
    // Changed: wait the target duration, measured from when the last load began.
    [6, true, 0, 6000],
    [6, true, 250, 5750],
    [2, true, 1999, 1],
    // Unchanged: half the target duration.
    [6, false, 0, 3000],
    [6, false, 1000, 2000],
    [1, false, 100, 400],
    [10, false, 0, 5000],
    // A load slower than the interval: reload at once, never a negative wait.
    [6, true, 6000, 0],
    [6, true, 9000, 0],
    [4, false, 2500, 0],
  ])('target %d s, changed %s, %d ms after the load began → %d ms', (target, changed, since, expected) => {
    expect(nextReloadDelay(target, changed, since)).toBe(expected);
  });
});
