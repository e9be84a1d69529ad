/**
 * A deliberately independent reader of the relay's output playlists (not the engine's parser), so tests
 * check the text players actually get.
 */
export interface ListedSegment {
  seq: number;
  uri: string;
  duration: number;
  durationText: string;
  discontinuity: boolean;
  programDateTime: string | null;
  key: string | null;
  map: string | null;
}

export interface ReadPlaylist {
  text: string;
  version: number | null;
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  endList: boolean;
  segments: ListedSegment[];
}

export function readPlaylist(text: string): ReadPlaylist {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (lines[0] !== '#EXTM3U') throw new Error(`Playlist does not start with #EXTM3U: ${text.slice(0, 80)}`);
  const header = (tag: string) => {
    const line = lines.find((candidate) => candidate.startsWith(`${tag}:`));
    return line === undefined ? null : line.slice(tag.length + 1);
  };
  const mediaSequence = Number(header('#EXT-X-MEDIA-SEQUENCE') ?? 0);
  const segments: ListedSegment[] = [];
  let pending: Partial<ListedSegment> = {};
  let key: string | null = null;
  let map: string | null = null;
  for (const line of lines) {
    if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pending.programDateTime = line.slice(25);
    else if (line.startsWith('#EXT-X-KEY:')) key = line.includes('METHOD=NONE') ? null : line.slice(11);
    else if (line.startsWith('#EXT-X-MAP:')) map = line.slice(11);
    else if (line.startsWith('#EXTINF:')) {
      pending.durationText = line.slice(8).split(',')[0]!;
      pending.duration = Number(pending.durationText);
    } else if (!line.startsWith('#')) {
      segments.push({
        seq: mediaSequence + segments.length,
        uri: line,
        duration: pending.duration ?? NaN,
        durationText: pending.durationText ?? '',
        discontinuity: pending.discontinuity ?? false,
        programDateTime: pending.programDateTime ?? null,
        key,
        map,
      });
      pending = {};
    }
  }
  return {
    text,
    version: header('#EXT-X-VERSION') === null ? null : Number(header('#EXT-X-VERSION')),
    targetDuration: Number(header('#EXT-X-TARGETDURATION')),
    mediaSequence,
    discontinuitySequence: Number(header('#EXT-X-DISCONTINUITY-SEQUENCE') ?? 0),
    endList: lines.includes('#EXT-X-ENDLIST'),
    segments,
  };
}
