import type { NewSegment, StoredSegment } from './stored-segment.js';

export interface SegmentBufferOptions {
  /** Segments kept at least (the ring), window included. */
  capacity: number;
  /** Hard memory budget: past it, segments outside the window go first whatever their age. */
  maxBytes: number;
  /** Segments listed in the playlist. */
  windowSegments: number;
}

/** What one output playlist lists. */
export interface PlaylistWindow {
  segments: readonly StoredSegment[];
  mediaSequence: number;
  discontinuitySequence: number;
  targetDuration: number;
}

/** How long the window must cover once filled, in target durations (RFC 8216 §6.2.2). */
const MIN_WINDOW_TARGET_DURATIONS = 3;

/**
 * One channel's segments under the relay's sequence numbers, and the sliding window its playlist lists.
 * The window start only moves forward; segments that leave it stay fetchable for their duration plus the
 * window's duration (RFC 8216 §6.2.2) and while the ring holds fewer than `capacity` segments.
 */
export class SegmentBuffer {
  readonly #options: SegmentBufferOptions;
  readonly #segments: StoredSegment[] = [];
  /** Expiry times of segments that left the window, by seq. */
  readonly #expiresAt = new Map<number, number>();
  #windowStart = 0;
  #nextSeq = 0;
  #discontinuitiesBeforeWindow = 0;
  #targetDuration = 0;
  #bytes = 0;

  constructor(options: SegmentBufferOptions) {
    this.#options = options;
  }

  /** Stores a segment at the live end; `now` is epoch milliseconds. Returns it with its sequence number. */
  append(segment: NewSegment, now: number): StoredSegment {
    const previous = this.#segments.at(-1);
    const stored: StoredSegment = {
      ...segment,
      seq: this.#nextSeq,
      programDateTime: segment.programDateTime ?? continuedDateTime(previous, segment.discontinuity, now),
    };
    this.#nextSeq += 1;
    this.#segments.push(stored);
    this.#bytes += stored.bytes.length;
    this.#targetDuration = Math.max(this.#targetDuration, Math.ceil(stored.duration));
    this.#slideWindow(now);
    this.#evict(now);
    return stored;
  }

  /** Everything leaves the window (the channel stopped); sequence numbers go on. */
  clear(): void {
    for (const segment of this.#listed()) if (segment.discontinuity) this.#discontinuitiesBeforeWindow += 1;
    this.#segments.length = 0;
    this.#expiresAt.clear();
    this.#bytes = 0;
    this.#windowStart = this.#nextSeq;
  }

  get(seq: number, now: number): StoredSegment | undefined {
    this.#evict(now);
    const first = this.#segments[0];
    if (!first || !Number.isSafeInteger(seq)) return undefined;
    return this.#segments[seq - first.seq];
  }

  window(): PlaylistWindow {
    return {
      segments: this.#listed(),
      mediaSequence: this.#windowStart,
      discontinuitySequence: this.#discontinuitiesBeforeWindow,
      targetDuration: this.#targetDuration,
    };
  }

  /** Whether any segment was ever stored (a new source then starts a new run). */
  get hasHistory(): boolean {
    return this.#nextSeq > 0;
  }

  /** The newest segment, if any. */
  newest(): StoredSegment | undefined {
    return this.#segments.at(-1);
  }

  get byteSize(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#segments.length;
  }

  #listed(): StoredSegment[] {
    const first = this.#segments[0];
    if (!first) return [];
    return this.#segments.slice(Math.max(0, this.#windowStart - first.seq));
  }

  #slideWindow(now: number): void {
    const listed = this.#listed();
    const minimumSeconds = MIN_WINDOW_TARGET_DURATIONS * this.#targetDuration;
    let drop = Math.max(0, listed.length - this.#options.windowSegments);
    // Never let a slide leave less than three target durations listed.
    while (drop > 0 && sumDurations(listed.slice(drop)) < minimumSeconds) drop -= 1;
    if (drop === 0) return;
    const windowSeconds = sumDurations(listed);
    for (const leaving of listed.slice(0, drop)) {
      if (leaving.discontinuity) this.#discontinuitiesBeforeWindow += 1;
      this.#expiresAt.set(leaving.seq, now + (leaving.duration + windowSeconds) * 1000);
    }
    this.#windowStart += drop;
  }

  #evict(now: number): void {
    while (this.#segments.length > 0) {
      const oldest = this.#segments[0]!;
      const expiry = this.#expiresAt.get(oldest.seq);
      if (expiry === undefined) return;
      const overBudget = this.#bytes > this.#options.maxBytes;
      const overCapacity = this.#segments.length > this.#options.capacity;
      if (!overBudget && !(overCapacity && now >= expiry)) return;
      this.#segments.shift();
      this.#expiresAt.delete(oldest.seq);
      this.#bytes -= oldest.bytes.length;
    }
  }
}

function sumDurations(segments: readonly StoredSegment[]): number {
  return segments.reduce((total, segment) => total + segment.duration, 0);
}

/**
 * Without an upstream date: the previous date plus its duration, or at a new run the arrival time — but
 * never earlier than where the previous run ended, so dates only move forward.
 */
function continuedDateTime(previous: StoredSegment | undefined, discontinuity: boolean, now: number): number {
  if (!previous) return now;
  const continued = previous.programDateTime + previous.duration * 1000;
  return discontinuity ? Math.max(now, continued) : continued;
}
