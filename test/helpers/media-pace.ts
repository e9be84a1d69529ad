import type { RecordedSegment } from './record-segments.js';

/** How much media a player had decoded, or the relay had listed, at a wall-clock instant. */
export interface MediaPoint {
  /** Date.now() milliseconds. */
  at: number;
  /** Seconds of media so far. */
  media: number;
}

/** A source change as the relay made it, and how far it moved the live point. */
export interface SpliceMove {
  /** When the new source's first segment was stored. */
  at: number;
  from: string;
  to: string;
  /** Relay lead after the splice minus before it: > 0 gives the player more media than wall time, < 0 less. */
  seconds: number;
}

/** The relay's listing as media points: after each stored segment, the media listed since recording began. */
export function listedMedia(segments: readonly RecordedSegment[]): MediaPoint[] {
  let media = 0;
  return segments.map((segment) => ({ at: segment.at, media: (media += segment.duration) }));
}

/**
 * How far media is ahead of the wall clock just before `at` (an arbitrary but fixed offset: only
 * differences mean something): the highest media − wall among the points in (at − spanMs, at]. Media
 * arrives in bursts (the relay reloads every target duration), so the lead saws down between bursts; its
 * peaks, right after each burst, stay level while media comes at wall-clock pace. -Infinity without points.
 */
export function leadBefore(points: readonly MediaPoint[], at: number, spanMs: number): number {
  return Math.max(...points.filter((point) => point.at > at - spanMs && point.at <= at).map((point) => point.media - point.at / 1000));
}

/**
 * Every source change in the recording with the live-point move it caused: the relay's lead over the
 * 2.5 s after the new source's first segment (one more reload) against its lead over the 3 s before it.
 */
export function spliceMoves(segments: readonly RecordedSegment[]): SpliceMove[] {
  const points = listedMedia(segments);
  const moves: SpliceMove[] = [];
  segments.forEach((segment, index) => {
    const previous = segments[index - 1];
    if (previous === undefined || previous.sourceId === segment.sourceId) return;
    const before = leadBefore(points.slice(0, index), segment.at, 3_000);
    const after = leadBefore(points, segment.at + 2_500, 2_000);
    moves.push({ at: segment.at, from: previous.sourceId, to: segment.sourceId, seconds: after - before });
  });
  return moves;
}
