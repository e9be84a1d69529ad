/**
 * Milliseconds to wait before reloading a live playlist (RFC 8216 §6.3.4): the target duration after a
 * load that brought new segments, half of it when the playlist had not changed, both measured from when
 * the last load began.
 */
export function nextReloadDelay(targetDurationSec: number, changed: boolean, sinceLoadStartMs: number): number {
  const interval = (changed ? targetDurationSec : targetDurationSec / 2) * 1000;
  return Math.max(0, interval - sinceLoadStartMs);
}
