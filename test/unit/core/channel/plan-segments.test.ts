import { describe, expect, it } from 'vitest';
import { contentKey, planSegments, type FollowPosition } from '../../../../src-main/core/channel/plan-segments.js';
import type { MediaPlaylist, UpstreamSegment } from '../../../../src-main/core/playlist/playlist-types.js';

const ORIGIN = 'https://cdn1.example';

function seg(msn: number, uri = `${ORIGIN}/live/seg${msn}.ts?token=t1`): UpstreamSegment {
  return { msn, uri, duration: 2, discontinuity: false, gap: false };
}

/** A live playlist listing msns first..last (inclusive). */
function playlistOf(first: number, last: number, uriOf?: (msn: number) => string): MediaPlaylist {
  const segments: UpstreamSegment[] = [];
  for (let msn = first; msn <= last; msn += 1) segments.push(seg(msn, uriOf?.(msn)));
  return { kind: 'media', targetDuration: 2, mediaSequence: first, discontinuitySequence: 0, endList: false, segments };
}

/** Where a follower stands after handling msns first..last of the default URIs. */
function positionAt(first: number, last: number, pathOf = (msn: number) => `seg${msn}.ts`): FollowPosition {
  const recent = new Map<number, string>();
  for (let msn = first; msn <= last; msn += 1) recent.set(msn, pathOf(msn));
  return { lastMsn: last, recent };
}

function msns(segments: readonly UpstreamSegment[]): number[] {
  return segments.map((segment) => segment.msn);
}

describe('planSegments', () => {
  it.each([
    [3, [107, 108, 109]],
    [1, [109]],
    [0, [109]],
    [20, [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]],
  ])('starts %i segments from the live edge', (liveEdge, expected) => {
    const plan = planSegments(playlistOf(100, 109), null, liveEdge);
    expect(plan).toMatchObject({ kind: 'start', discontinuity: false });
    expect(msns(plan.segments)).toEqual(expected);
  });

  it('starts with nothing on an empty playlist', () => {
    expect(planSegments(playlistOf(5, 4), null, 3)).toEqual({ kind: 'start', segments: [], discontinuity: false });
  });

  it.each<[string, MediaPlaylist, FollowPosition, string, number[], boolean]>([
    ['continue: the segments after the last one handled', playlistOf(103, 108), positionAt(103, 105), 'continue', [106, 107, 108], false],
    ['continue: one new segment', playlistOf(100, 106), positionAt(100, 105), 'continue', [106], false],
    ['continue: the window moved but still overlaps', playlistOf(105, 110), positionAt(96, 105), 'continue', [106, 107, 108, 109, 110], false],
    ['stale: nothing new yet', playlistOf(100, 105), positionAt(100, 105), 'stale', [], false],
    ['stale: a lagging CDN copy behind us', playlistOf(98, 103), positionAt(100, 105), 'stale', [], false],
    ['stale: an empty playlist', playlistOf(5, 4), positionAt(100, 105), 'stale', [], false],
    ['gap: the upstream moved past us', playlistOf(110, 115), positionAt(100, 105), 'gap', [110, 111, 112, 113, 114, 115], true],
    ['gap: one segment lost', playlistOf(107, 109), positionAt(103, 105), 'gap', [107, 108, 109], true],
    ['reset: the media sequence restarted (encoder restart)', playlistOf(0, 5, (m) => `${ORIGIN}/live/new${m}.ts`), positionAt(5000, 5010), 'reset', [3, 4, 5], true],
  ])('%s', (_name, playlist, position, kind, expected, discontinuity) => {
    const plan = planSegments(playlist, position, 3);
    expect(plan.kind).toBe(kind);
    expect(msns(plan.segments)).toEqual(expected);
    expect(plan.discontinuity).toBe(discontinuity);
  });

  it('resets when a sequence number it already handled now names other content', () => {
    // Same msns, new files: the provider restarted its packager and reused the numbers.
    const plan = planSegments(playlistOf(103, 110, (m) => `${ORIGIN}/live/restart-${m}.ts`), positionAt(100, 105), 2);
    expect(plan).toMatchObject({ kind: 'reset', discontinuity: true });
    expect(msns(plan.segments)).toEqual([109, 110]);
  });

  it('resets when a restart reuses the recent numbers', () => {
    const plan = planSegments(playlistOf(0, 3, (m) => `${ORIGIN}/live/b${m}.ts`), positionAt(0, 5), 3);
    expect(plan.kind).toBe('reset');
  });

  it('ignores rotating tokens and CDN hosts: the path identifies a segment', () => {
    const rotated = playlistOf(103, 107, (m) => `https://cdn2.example/live/seg${m}.ts?token=t2&expires=99`);
    const plan = planSegments(rotated, positionAt(100, 105), 3);
    expect(plan.kind).toBe('continue');
    expect(msns(plan.segments)).toEqual([106, 107]);
  });

  it('plans every upstream segment exactly once across overlapping reloads', () => {
    const handled: number[] = [];
    let position: FollowPosition | null = null;
    const recent = new Map<number, string>();
    // Reloads of a 6-segment live window, sometimes unchanged, sometimes a lagging copy.
    const reloads = [[100, 105], [100, 105], [101, 106], [99, 104], [103, 108], [103, 108], [104, 109], [106, 111]] as const;
    for (const [first, last] of reloads) {
      const plan = planSegments(playlistOf(first, last), position, 3);
      for (const segment of plan.segments) {
        handled.push(segment.msn);
        recent.set(segment.msn, contentKey(segment.uri));
        position = { lastMsn: segment.msn, recent };
      }
    }
    expect(handled).toEqual([103, 104, 105, 106, 107, 108, 109, 110, 111]);
  });
});

describe('contentKey', () => {
  it.each([
    ['https://cdn.example/live/seg1.ts?token=abc', 'seg1.ts'],
    ['http://other.example:8080/live/seg1.ts', 'seg1.ts'],
    ['https://cdn.example/live/seg1.ts#frag', 'seg1.ts'],
    // Akamai-style tokens in the path change on every reload: the same segment all the same.
    ['https://cdn.example/hdntl=exp=1~acl=%2f*~hmac=ab12/live/seg1.ts', 'seg1.ts'],
    ['seg1.ts?token=abc', 'seg1.ts'],
    ['seg1.ts', 'seg1.ts'],
  ])('%j → %j', (uri, key) => {
    expect(contentKey(uri)).toBe(key);
  });
});
