import type { Container } from '../media/check-segment.js';

/** An init section (fMP4) or a decryption key, stored once per channel and referenced by segments. */
export interface StoredResource {
  /** Relay-wide id within the channel, used in its route (/stream/<id>/init/<n>.mp4, …/keys/<n>.key). */
  id: number;
  bytes: Buffer;
}

export interface SegmentEncryption {
  method: 'AES-128' | 'SAMPLE-AES' | 'SAMPLE-AES-CTR';
  keyId: number;
  /** Always explicit in our playlists: our media sequence numbers differ from the upstream's. */
  iv: Buffer;
}

/** A segment as the relay serves it, under the relay's own sequence number. */
export interface StoredSegment {
  seq: number;
  bytes: Buffer;
  /** Seconds, exactly as the upstream listed it. */
  duration: number;
  /** Starts a new source, follows an upstream discontinuity, a gap, or a restart. */
  discontinuity: boolean;
  /** Epoch milliseconds. */
  programDateTime: number;
  container: Container;
  sourceId: string;
  upstreamMsn: number;
  storedAt: number;
  downloadMs: number;
  initId?: number;
  encryption?: SegmentEncryption;
}

/** What the channel hands the buffer; the buffer assigns `seq` and fills the program date-time. */
export type NewSegment = Omit<StoredSegment, 'seq' | 'programDateTime'> & { programDateTime?: number };
