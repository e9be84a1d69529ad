/** Exponential backoff after upstream failures; pure, the caller owns the timer. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After the relay honours; a provider asking for an hour is capped. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 8000, maxRetryAfterMs: 60_000 };

/**
 * Delay before retry number `failures` (1 = first failure): base × 2^(failures-1) capped at maxMs, or the
 * upstream's Retry-After when that is longer.
 */
export function retryDelay(failures: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const computed = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return computed;
  return Math.max(computed, Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs));
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only whole seconds or an HTTP-date (which names a weekday or month); Date.parse reads "1.5" as 2001.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Whether a response status means "try again later" rather than "this resource is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
