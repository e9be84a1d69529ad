import type { Harness } from './relay-harness.js';
import type { ListedSegment, ReadPlaylist } from './read-playlist.js';

export interface FollowedSegment extends ListedSegment {
  bytes: Buffer;
  /** When the segment first appeared in a playlist. */
  listedAt: number;
}

export interface FollowResult {
  segments: FollowedSegment[];
  playlists: ReadPlaylist[];
  /** Segment downloads that did not answer 200. */
  failures: { seq: number; status: number }[];
}

/**
 * Plays a channel like an HLS client that never misses a beat: polls the playlist every `pollMs` and
 * downloads every newly listed segment once, until `done` says so or `timeoutMs` passes.
 */
export async function followRelay(
  harness: Harness,
  channelId: string,
  options: { done: (result: FollowResult) => boolean; timeoutMs: number; pollMs?: number; onPoll?: (result: FollowResult) => Promise<void> | void },
): Promise<FollowResult> {
  const result: FollowResult = { segments: [], playlists: [], failures: [] };
  const seen = new Set<number>();
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !options.done(result)) {
    const playlist = await harness.playlist(channelId);
    result.playlists.push(playlist);
    for (const listed of playlist.segments) {
      if (seen.has(listed.seq)) continue;
      seen.add(listed.seq);
      const { status, body } = await harness.fetchBytes(listed.uri);
      if (status !== 200) result.failures.push({ seq: listed.seq, status });
      result.segments.push({ ...listed, bytes: body, listedAt: Date.now() });
    }
    await options.onPoll?.(result);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
  return result;
}
