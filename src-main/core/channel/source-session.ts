import type { SourceConfig } from '../../shared/lineup-types.js';
import type { RelayError } from '../errors.js';
import type { SourceFacts } from './failover-policy.js';
import type { ProviderLease } from './provider-limiter.js';
import type { SourceFollower } from './source-follower.js';

const RECENT_BITRATE_SEGMENTS = 3;
const AVERAGE_BITRATE_MIN_SEGMENTS = 8;

/**
 * One upstream source being followed for a channel (the active one, or a candidate during a switch):
 * its follower, its provider slot, and what it has delivered — the facts failover decisions read.
 */
export class SourceSession {
  readonly source: SourceConfig;
  readonly follower: SourceFollower;
  readonly #lease: ProviderLease;
  lastProgressAt: number;
  lastError: RelayError | null = null;
  ended = false;
  invalidStreak = 0;
  targetDuration: number | null = null;
  declaredBandwidth: number | null = null;
  /** Segments the first playlist load planned (the initial batch). */
  initialBatch: number | null = null;
  #segments = 0;
  #mediaBytes = 0;
  #mediaSeconds = 0;
  readonly #recent: { bytes: number; seconds: number }[] = [];

  constructor(source: SourceConfig, lease: ProviderLease, now: number, follow: (session: SourceSession) => SourceFollower) {
    this.source = source;
    this.#lease = lease;
    this.lastProgressAt = now;
    this.follower = follow(this);
  }

  /** Segments stored from this source. */
  get segments(): number {
    return this.#segments;
  }

  recordStored(bytes: number, seconds: number, now: number): void {
    this.#segments += 1;
    this.lastProgressAt = now;
    this.invalidStreak = 0;
    this.#mediaBytes += bytes;
    this.#mediaSeconds += seconds;
    this.#recent.push({ bytes, seconds });
    if (this.#recent.length > RECENT_BITRATE_SEGMENTS) this.#recent.shift();
  }

  /** Stops the follower at once and frees the provider slot. */
  end(): void {
    this.follower.stop();
    this.#lease.release();
  }

  facts(now: number, fallbackTarget: number, slowRatio: number | null): SourceFacts {
    const recentSeconds = this.#recent.reduce((total, r) => total + r.seconds, 0);
    return {
      now,
      lastProgressAt: this.lastProgressAt,
      targetDuration: this.targetDuration ?? fallbackTarget,
      failures: this.follower.failures,
      lastErrorCode: this.lastError?.code ?? null,
      ended: this.ended,
      invalidStreak: this.invalidStreak,
      slowRatio,
      recentBitrate:
        this.#recent.length >= RECENT_BITRATE_SEGMENTS && recentSeconds > 0
          ? (this.#recent.reduce((total, r) => total + r.bytes, 0) * 8) / recentSeconds
          : null,
      averageBitrate:
        this.#segments >= AVERAGE_BITRATE_MIN_SEGMENTS && this.#mediaSeconds > 0 ? (this.#mediaBytes * 8) / this.#mediaSeconds : null,
      declaredBandwidth: this.declaredBandwidth,
    };
  }
}
