import type { FixtureSource } from '../../src-main/demo/fixtures.js';

const TAIL_BYTES = 2048;

/**
 * Which fixture a relayed segment came from. The relay may prepend splice packets and flag the first PCR
 * packet of a segment (core/media/ts-packets markSplice), so only the tail is compared: it is never touched.
 * Works for the recorded fixtures (their tails differ); not for null-padded sources, whose tails are alike.
 */
export function identifySource(bytes: Buffer, fixtures: readonly FixtureSource[]): string | null {
  for (const fixture of fixtures) {
    for (const segment of fixture.segments) {
      const tail = Math.min(TAIL_BYTES, segment.bytes.length);
      if (bytes.length >= segment.bytes.length && bytes.subarray(-tail).equals(segment.bytes.subarray(-tail))) return fixture.id;
    }
  }
  return null;
}
