import type { Harness } from './relay-harness.js';

/** A segment as the relay stored it, which is the moment it appears in the channel's playlist. */
export interface RecordedSegment {
  /** Date.now() when it was stored. */
  at: number;
  seq: number;
  sourceId: string;
  /** The segment's media sequence number at its source. */
  upstreamMsn: number;
  /** Seconds. */
  duration: number;
  discontinuity: boolean;
}

/**
 * Records every segment a channel stores from now on, straight from the engine (no HTTP request, so the
 * relay's request log stays the player's alone). The array fills as the channel runs; stop() unsubscribes.
 */
export function recordSegments(harness: Harness, channelId: string): { segments: RecordedSegment[]; stop(): void } {
  const channel = harness.relay.channel(channelId);
  if (!channel) throw new Error(`The relay has no channel ${channelId}`);
  const segments: RecordedSegment[] = [];
  const stop = channel.onSegment((segment) => {
    segments.push({ at: Date.now(), seq: segment.seq, sourceId: segment.sourceId, upstreamMsn: segment.upstreamMsn, duration: segment.duration, discontinuity: segment.discontinuity });
  });
  return { segments, stop };
}
