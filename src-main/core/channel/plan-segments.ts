import type { MediaPlaylist, UpstreamSegment } from '../playlist/playlist-types.js';

/** What the follower has already handled: the newest msn and the paths of recent msns. */
export interface FollowPosition {
  lastMsn: number;
  /** msn → file name (see contentKey) of recently handled segments. */
  recent: ReadonlyMap<number, string>;
}

export type PlanKind =
  /** First load: the live edge. */
  | 'start'
  /** The segments after the last one handled. */
  | 'continue'
  /** The upstream window moved past us: everything still listed, after a gap. */
  | 'gap'
  /** The media sequence restarted (encoder restart): resume at the live edge. */
  | 'reset'
  /** An older copy of the playlist (a lagging CDN edge): nothing new. */
  | 'stale';

export interface SegmentPlan {
  kind: PlanKind;
  segments: UpstreamSegment[];
  /** The first planned segment starts a new run (gap or reset). */
  discontinuity: boolean;
}

/**
 * Which segments of a freshly loaded playlist to download, in order, so that every upstream segment is
 * fetched once, whatever the timing of reloads and downloads. Pure.
 */
export function planSegments(playlist: MediaPlaylist, position: FollowPosition | null, liveEdge: number): SegmentPlan {
  const { segments } = playlist;
  const edge = segments.slice(-Math.max(1, liveEdge));
  if (position === null) return { kind: 'start', segments: edge, discontinuity: false };
  if (segments.length === 0) return { kind: 'stale', segments: [], discontinuity: false };

  const overlapping = segments.filter((segment) => position.recent.has(segment.msn));
  const contentChanged = overlapping.some((segment) => position.recent.get(segment.msn) !== contentKey(segment.uri));
  if (contentChanged) return { kind: 'reset', segments: edge, discontinuity: true };

  const fresh = segments.filter((segment) => segment.msn > position.lastMsn);
  if (fresh.length === 0) {
    const newest = segments.at(-1)!.msn;
    // Behind us but recognisably ours: a stale copy. Behind us and unknown: the sequence restarted.
    return newest >= position.lastMsn || overlapping.length > 0
      ? { kind: 'stale', segments: [], discontinuity: false }
      : { kind: 'reset', segments: edge, discontinuity: true };
  }
  if (fresh[0]!.msn > position.lastMsn + 1) return { kind: 'gap', segments: fresh, discontinuity: true };
  return { kind: 'continue', segments: fresh, discontinuity: false };
}

/**
 * The part of a URI that identifies content across token rotation and CDN edges: its file name. Tokens
 * live in the query or, with some CDNs, in the directories of the path; neither means new content.
 */
export function contentKey(uri: string): string {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    path = uri.split('?')[0] ?? uri;
  }
  return path.slice(path.lastIndexOf('/') + 1);
}
