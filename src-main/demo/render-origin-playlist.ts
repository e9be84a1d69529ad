/** What the live origin writes into a media playlist; rendering is pure so the text is table-testable. */
export interface OriginPlaylist {
  version: number;
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  /** EXT-X-MAP URI (fMP4). */
  mapUri?: string;
  segments: OriginPlaylistSegment[];
  ended: boolean;
}

export interface OriginPlaylistSegment {
  uri: string;
  /** Seconds, printed with full precision. */
  duration: number;
  discontinuity: boolean;
  /** Ms since the epoch, written as EXT-X-PROGRAM-DATE-TIME. */
  programDateTime?: number;
  byteRange?: { length: number; offset: number };
  /** An EXT-X-KEY tag written before this segment (AES-128); `iv` only when it is explicit. */
  key?: { uri: string; iv?: Buffer };
}

export interface OriginVariant {
  uri: string;
  bandwidth: number;
  resolution?: string;
  /** The playlist of the variant's separate audio rendition. */
  audioUri?: string;
  /** More renditions of its group, in other languages. */
  otherAudio?: { uri: string; language: string }[];
}

export function renderOriginPlaylist(playlist: OriginPlaylist): string {
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlist.version}`,
    `#EXT-X-TARGETDURATION:${playlist.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${playlist.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${playlist.discontinuitySequence}`,
    // Every fixture segment starts with a keyframe (scripts/make-fixtures.sh checks it).
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  if (playlist.mapUri !== undefined) lines.push(`#EXT-X-MAP:URI="${playlist.mapUri}"`);
  for (const segment of playlist.segments) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.key !== undefined) {
      const iv = segment.key.iv === undefined ? '' : `,IV=0x${segment.key.iv.toString('hex')}`;
      lines.push(`#EXT-X-KEY:METHOD=AES-128,URI="${segment.key.uri}"${iv}`);
    }
    if (segment.programDateTime !== undefined) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.programDateTime).toISOString()}`);
    }
    lines.push(`#EXTINF:${segment.duration},`);
    if (segment.byteRange !== undefined) {
      lines.push(`#EXT-X-BYTERANGE:${segment.byteRange.length}@${segment.byteRange.offset}`);
    }
    lines.push(segment.uri);
  }
  if (playlist.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

export function renderOriginMasterPlaylist(variants: readonly OriginVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
  variants.forEach((variant, index) => {
    const resolution = variant.resolution === undefined ? '' : `,RESOLUTION=${variant.resolution}`;
    let audio = '';
    if (variant.audioUri !== undefined) {
      lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-${index}",NAME="Main",DEFAULT=YES,AUTOSELECT=YES,URI="${variant.audioUri}"`);
      for (const other of variant.otherAudio ?? []) {
        lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-${index}",NAME="${other.language}",LANGUAGE="${other.language}",AUTOSELECT=YES,URI="${other.uri}"`);
      }
      audio = `,AUDIO="audio-${index}"`;
    }
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${variant.bandwidth}${resolution}${audio}`, variant.uri);
  });
  return `${lines.join('\n')}\n`;
}
