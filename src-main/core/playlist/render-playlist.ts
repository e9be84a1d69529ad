import type { PlaylistWindow } from '../buffer/segment-buffer.js';
import type { StoredSegment } from '../buffer/stored-segment.js';

const EXTENSIONS: Record<StoredSegment['container'], string> = { ts: 'ts', fmp4: 'm4s', 'packed-audio': 'aac' };

/** Route of a stored segment, as listed in the channel's playlist. */
export function segmentPath(channelId: string, segment: Pick<StoredSegment, 'seq' | 'container'>): string {
  return `/stream/${encodeURIComponent(channelId)}/segments/${segment.seq}.${EXTENSIONS[segment.container]}`;
}

/** Route of an init section: fMP4 (ftyp+moov) or, for TS after an fMP4 run, the PAT and PMT packets. */
export function initPath(channelId: string, initId: number, container: StoredSegment['container'] = 'fmp4'): string {
  return `/stream/${encodeURIComponent(channelId)}/init/${initId}.${container === 'ts' ? 'ts' : 'mp4'}`;
}

export function keyPath(channelId: string, keyId: number): string {
  return `/stream/${encodeURIComponent(channelId)}/keys/${keyId}.key`;
}

/**
 * The channel's live media playlist (RFC 8216 §4.3): never ENDLIST, since the relay outlives any source.
 * Discontinuities, keys and init sections are written where a segment's context changes.
 */
export function renderPlaylist(channelId: string, window: PlaylistWindow): string {
  const { segments } = window;
  const usesMap = segments.some((segment) => segment.initId !== undefined);
  const lines = [
    '#EXTM3U',
    // 3: decimal EXTINF; 6: EXT-X-MAP in a media playlist.
    `#EXT-X-VERSION:${usesMap ? 6 : 3}`,
    `#EXT-X-TARGETDURATION:${window.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${window.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
  ];
  let previous: StoredSegment | undefined;
  for (const segment of segments) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    const newContext = previous === undefined || segment.discontinuity;
    // The map before the key: an EXT-X-KEY applies to the EXT-X-MAP after it (RFC 8216 §4.3.2.5), and the
    // init sections the relay serves are never encrypted.
    if (segment.initId !== undefined && (newContext || previous?.initId !== segment.initId)) {
      lines.push(`#EXT-X-MAP:URI="${initPath(channelId, segment.initId, segment.container)}"`);
    }
    if (newContext || !sameEncryption(previous, segment)) lines.push(...keyLines(channelId, segment, previous));
    const date = new Date(segment.programDateTime);
    if (!Number.isNaN(date.getTime())) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${date.toISOString()}`);
    lines.push(`#EXTINF:${formatDuration(segment.duration)},`);
    lines.push(segmentPath(channelId, segment));
    previous = segment;
  }
  return `${lines.join('\n')}\n`;
}

/** EXTINF as an exact decimal: up to six places, no float noise, at least three places. */
export function formatDuration(seconds: number): string {
  const fixed = seconds.toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = fixed.split('.');
  return `${whole}.${fraction.padEnd(3, '0')}`;
}

function sameEncryption(a: StoredSegment | undefined, b: StoredSegment): boolean {
  const x = a?.encryption;
  const y = b.encryption;
  if (!x || !y) return x === y;
  return x.keyId === y.keyId && x.method === y.method && x.iv.equals(y.iv);
}

function keyLines(channelId: string, segment: StoredSegment, previous: StoredSegment | undefined): string[] {
  const encryption = segment.encryption;
  if (!encryption) return previous?.encryption ? ['#EXT-X-KEY:METHOD=NONE'] : [];
  return [`#EXT-X-KEY:METHOD=${encryption.method},URI="${keyPath(channelId, encryption.keyId)}",IV=0x${encryption.iv.toString('hex')}`];
}
