import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, retryDelay } from '../../../../src-main/core/upstream/backoff.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('retryDelay', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 8000],
    [50, 8000],
    [10_000, 8000],
  ])('failure %i waits %i ms (1 → 2 → 4 → 8 s, capped)', (failures, expected) => {
    expect(retryDelay(failures, DEFAULT_BACKOFF)).toBe(expected);
  });

  it('treats zero or negative failure counts like the first failure', () => {
    expect(retryDelay(0, DEFAULT_BACKOFF)).toBe(1000);
    expect(retryDelay(-3, DEFAULT_BACKOFF)).toBe(1000);
  });

  it('follows the policy it is given', () => {
    const policy = { baseMs: 250, maxMs: 1500, maxRetryAfterMs: 5000 };
    expect([1, 2, 3, 4, 5].map((failures) => retryDelay(failures, policy))).toEqual([250, 500, 1000, 1500, 1500]);
  });

  it.each([
    // [failures, Retry-After ms, expected]: the longer of the backoff and the upstream's request.
    [1, 2000, 2000],
    [1, 500, 1000],
    [4, 2000, 8000],
    [4, 30_000, 30_000],
    [1, 60_000, 60_000],
    [1, 3_600_000, 60_000],
    [1, 0, 1000],
    [2, -5000, 2000],
    [3, Number.NaN, 4000],
    [3, Number.POSITIVE_INFINITY, 4000],
  ])('failure %i with Retry-After %d ms waits %i ms', (failures, retryAfterMs, expected) => {
    expect(retryDelay(failures, DEFAULT_BACKOFF, retryAfterMs)).toBe(expected);
  });

  it('caps Retry-After at maxRetryAfterMs of the policy', () => {
    expect(retryDelay(1, { ...DEFAULT_BACKOFF, maxRetryAfterMs: 10_000 }, 120_000)).toBe(10_000);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['2', 2000],
    [' 7 ', 7000],
    ['86400', 86_400_000],
  ])('delta-seconds %j → %i ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
    // The obsolete RFC 850 and asctime forms recipients must still accept (RFC 9110 §5.6.7).
    ['Saturday, 01-Mar-25 12:01:00 GMT', 60_000],
    ['Sat Mar  1 12:00:05 2025', 5000],
    // A date in the past means "now".
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0],
    ['Sat, 01 Mar 2025 12:00:00 GMT', 0],
  ])('HTTP-date %j → %i ms from now', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([[undefined], [''], ['   '], ['soon'], ['5s'], ['1e3'], ['0x10'], ['12 apples']])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  // Date.parse accepts "1.5" and "-5" as dates in 2001; RFC 9110 allows only 1*DIGIT or an HTTP-date.
  it.each([['1.5'], ['-5'], ['2.']])('ignores the non-integer delay %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [509, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [410, false],
    [451, false],
  ])('%i → %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});
