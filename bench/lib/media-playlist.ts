/** What the benchmark players need from a media playlist: sequence numbers, absolute URLs, discontinuities. */
export interface ListedSegment {
  seq: number;
  url: string;
  discontinuity: boolean;
}

export interface MediaPlaylistView {
  targetDuration: number;
  mediaSequence: number;
  segments: ListedSegment[];
}

/** Reads a media playlist as a player would; URIs resolve against `playlistUrl`. */
export function readMediaPlaylist(text: string, playlistUrl: string): MediaPlaylistView {
  let targetDuration = 0;
  let mediaSequence = 0;
  let discontinuity = false;
  const segments: ListedSegment[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line !== '' && !line.startsWith('#')) {
      segments.push({ seq: mediaSequence + segments.length, url: new URL(line, playlistUrl).href, discontinuity });
      discontinuity = false;
    }
  }
  return { targetDuration, mediaSequence, segments };
}
