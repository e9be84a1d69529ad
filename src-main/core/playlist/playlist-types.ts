import type { ByteRange } from '../upstream/upstream-client.js';

/** `#EXT-X-KEY` of a segment, with its URI made absolute. */
export interface SegmentKey {
  method: 'AES-128' | 'SAMPLE-AES' | 'SAMPLE-AES-CTR';
  uri: string;
  /** Explicit IV; when absent the IV is the segment's media sequence number (RFC 8216 §5.2). */
  iv?: Buffer;
}

/** `#EXT-X-MAP`: the initialisation section of fMP4 segments. */
export interface InitSection {
  uri: string;
  byterange?: ByteRange;
}

export interface UpstreamSegment {
  /** Media sequence number in the upstream playlist. */
  msn: number;
  /** Absolute URI. */
  uri: string;
  duration: number;
  discontinuity: boolean;
  /** `#EXT-X-GAP`: listed but not to be fetched. */
  gap: boolean;
  /** Epoch milliseconds, when the upstream carries #EXT-X-PROGRAM-DATE-TIME. */
  programDateTime?: number;
  byterange?: ByteRange;
  key?: SegmentKey;
  map?: InitSection;
}

export interface MediaPlaylist {
  kind: 'media';
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  endList: boolean;
  segments: UpstreamSegment[];
}

export interface Variant {
  uri: string;
  bandwidth: number;
  width?: number;
  height?: number;
  codecs?: string;
  /** GROUP-ID of the AUDIO renditions this variant plays with. */
  audioGroup?: string;
}

/** An `#EXT-X-MEDIA:TYPE=AUDIO` rendition that lives in its own playlist (one with a URI). */
export interface AudioMedia {
  groupId: string;
  name: string;
  uri: string;
  isDefault: boolean;
  /** Its LANGUAGE attribute. */
  language?: string;
}

export interface MasterPlaylist {
  kind: 'master';
  variants: Variant[];
  /** Audio renditions in separate playlists; renditions without a URI are muxed into the variants. */
  audioMedia: AudioMedia[];
}

export type Playlist = MediaPlaylist | MasterPlaylist;
