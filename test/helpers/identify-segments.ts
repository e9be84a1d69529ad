import { createHash } from 'node:crypto';
import { readBoxes } from '../../src-main/core/media/mp4-boxes.js';
import { loadFixtureSource } from '../../src-main/demo/fixtures.js';

export interface SegmentIdentity {
  sourceId: string;
  /** Position in the fixture loop (the origin serves msn k as fixture segment k mod loop length). */
  index: number;
  loopLength: number;
}

export type Identify = (bytes: Buffer) => SegmentIdentity | null;

/** Recognises relayed bytes as a fixture segment of a source: which source, which position in its loop. */
export async function fixtureIdentifier(sourceIds: readonly string[]): Promise<Identify> {
  const byHash = new Map<string, SegmentIdentity>();
  for (const sourceId of sourceIds) {
    const fixture = await loadFixtureSource(sourceId);
    fixture.segments.forEach((segment, index) => {
      byHash.set(hash(segment.bytes), { sourceId, index, loopLength: fixture.segments.length });
    });
  }
  return (bytes) => byHash.get(hash(bytes)) ?? byHash.get(hash(unmarkSplice(bytes))) ?? byHash.get(hash(withoutInitSection(bytes))) ?? null;
}

/** The upstream bytes of an fMP4 segment the relay sent with its init section in front (a new run's first). */
export function withoutInitSection(bytes: Buffer): Buffer {
  const boxes = readBoxes(bytes);
  if (!boxes.ok) return bytes;
  const moov = boxes.boxes.findIndex((box) => box.type === 'moov');
  return moov < 0 ? bytes : bytes.subarray(boxes.boxes[moov]!.end);
}

/**
 * The upstream bytes of a segment the relay marked as a splice (core/media/ts-packets markSplice): without
 * the inserted adaptation-only discontinuity packets and with the PCR packet's indicator cleared.
 */
export function unmarkSplice(bytes: Buffer): Buffer {
  let start = 0;
  while (start + 188 <= bytes.length && bytes[start + 3]! >> 4 === 0x2 && bytes[start + 4] === 183 && bytes[start + 5] === 0x80) start += 188;
  const original = Buffer.from(bytes.subarray(start));
  for (let offset = 0; offset + 188 <= original.length; offset += 188) {
    const adaptation = (original[offset + 3]! >> 4) & 0x3;
    if ((adaptation === 2 || adaptation === 3) && original[offset + 4]! > 0 && (original[offset + 5]! & 0x10) !== 0) {
      original[offset + 5]! &= 0x7f;
      break;
    }
  }
  return original;
}

/** Whether `next` is the upstream segment right after `previous` of the same source. */
export function isSuccessor(previous: SegmentIdentity, next: SegmentIdentity): boolean {
  return previous.sourceId === next.sourceId && next.index === (previous.index + 1) % previous.loopLength;
}

function hash(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}
