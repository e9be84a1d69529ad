import type { Clock } from '../time.js';

/** Spaces the upstream requests of one channel at least `minGapMs` apart, as the reference does. */
export interface RequestGate {
  /** Resolves when the next request may start (early when `signal` aborts). */
  pass(signal?: AbortSignal): Promise<void>;
}

export function createRequestGate(minGapMs: number, clock: Clock): RequestGate {
  let nextSlot = 0;
  return {
    async pass(signal) {
      const now = clock.now();
      const start = Math.max(now, nextSlot);
      nextSlot = start + minGapMs;
      if (start > now) await clock.sleep(start - now, signal);
    },
  };
}
