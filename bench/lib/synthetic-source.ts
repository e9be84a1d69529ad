import { nullPackets } from '../../src-main/core/media/ts-packets.js';
import type { FixtureSource } from '../../src-main/demo/fixtures.js';

const TS_PACKET = 188;

/**
 * A source at a realistic bitrate built from a recorded fixture: consecutive segments are joined into
 * `segmentSeconds`-long ones (timestamps stay continuous, each still starts with a keyframe) and padded with
 * null packets to `bitsPerSecond`. Players discard null packets; the relay checks and stores every byte.
 */
export function paddedSource(base: FixtureSource, options: { id: string; segmentSeconds: number; bitsPerSecond: number }): FixtureSource {
  if (base.kind !== 'ts') throw new Error(`paddedSource needs an MPEG-TS fixture, "${base.id}" is ${base.kind}`);
  const meanSeconds = base.segments.reduce((sum, segment) => sum + segment.duration, 0) / base.segments.length;
  const perSegment = Math.max(1, Math.round(options.segmentSeconds / meanSeconds));
  const targetBytes = Math.floor((options.bitsPerSecond * options.segmentSeconds) / 8 / TS_PACKET) * TS_PACKET;
  const segments: FixtureSource['segments'] = [];
  for (let start = 0; start + perSegment <= base.segments.length; start += perSegment) {
    const group = base.segments.slice(start, start + perSegment);
    const media = Buffer.concat(group.map((segment) => segment.bytes));
    const padding = Math.max(0, targetBytes - media.length) / TS_PACKET;
    segments.push({
      name: `padded-${segments.length}.ts`,
      duration: group.reduce((sum, segment) => sum + segment.duration, 0),
      bytes: Buffer.concat([media, nullPackets(padding)]),
    });
  }
  return { id: options.id, kind: 'ts', segments };
}

/**
 * The same bytes declared `segmentSeconds` long: the live origin then publishes a segment every
 * `segmentSeconds`. The media inside is not real-time any more; the relay never decodes it.
 */
export function retimedSource(base: FixtureSource, options: { id: string; segmentSeconds: number }): FixtureSource {
  return { ...base, id: options.id, segments: base.segments.map((segment) => ({ ...segment, duration: options.segmentSeconds })) };
}

/** Mean bitrate of a source in bits per second. */
export function sourceBitrate(source: FixtureSource): number {
  const bytes = source.segments.reduce((sum, segment) => sum + segment.bytes.length, 0);
  const seconds = source.segments.reduce((sum, segment) => sum + segment.duration, 0);
  return (bytes * 8) / seconds;
}
