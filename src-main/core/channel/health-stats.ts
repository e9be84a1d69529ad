import type { HealthSample } from '../../shared/relay-types.js';

/** Per-segment download figures of a channel, and the sparkline history. */
export interface SegmentSample {
  at: number;
  bytes: number;
  durationSec: number;
  downloadMs: number;
  bufferedSeconds: number;
}

const HISTORY_MS = 5 * 60_000;
/** Sparkline resolution: one point per bucket keeps snapshots small whatever the segment length. */
const BUCKET_MS = 5000;
const RATE_WINDOW = 8;

/** Rolling download figures: bitrate, keep-up ratio, and a few minutes of samples for the sparkline. */
export class HealthStats {
  readonly #recent: SegmentSample[] = [];
  readonly #history: HealthSample[] = [];
  /** Samples merged into the newest history point. */
  #merged = 0;

  record(sample: SegmentSample): void {
    this.#recent.push(sample);
    if (this.#recent.length > RATE_WINDOW) this.#recent.shift();
    const point: HealthSample = {
      at: sample.at,
      bufferedSeconds: round(sample.bufferedSeconds, 2),
      bitrateBps: Math.round((sample.bytes * 8) / sample.durationSec),
      downloadRatio: round(sample.downloadMs / (sample.durationSec * 1000), 3),
    };
    const newest = this.#history.at(-1);
    if (newest && Math.floor(newest.at / BUCKET_MS) === Math.floor(sample.at / BUCKET_MS)) {
      this.#merged += 1;
      this.#history[this.#history.length - 1] = mean(newest, point, this.#merged);
    } else {
      this.#merged = 1;
      this.#history.push(point);
    }
    while (this.#history.length > 0 && sample.at - this.#history[0]!.at > HISTORY_MS) this.#history.shift();
  }

  /** Forgets the rolling figures (a new source starts), keeping the history. */
  resetRates(): void {
    this.#recent.length = 0;
  }

  last(): SegmentSample | undefined {
    return this.#recent.at(-1);
  }

  /** Media bitrate of the recent segments, bits per second. */
  bitrateBps(): number | null {
    const seconds = this.#recent.reduce((total, s) => total + s.durationSec, 0);
    if (seconds === 0) return null;
    return Math.round((this.#recent.reduce((total, s) => total + s.bytes, 0) * 8) / seconds);
  }

  /** Mean download time over media time of the last `count` segments (> 1: slower than real time). */
  downloadRatio(count = RATE_WINDOW): number | null {
    const samples = this.#recent.slice(-count);
    if (samples.length === 0) return null;
    const media = samples.reduce((total, s) => total + s.durationSec * 1000, 0);
    return samples.reduce((total, s) => total + s.downloadMs, 0) / media;
  }

  recentCount(): number {
    return this.#recent.length;
  }

  history(): HealthSample[] {
    return [...this.#history];
  }
}

/** Running mean of `count` samples, the last of which is `next`. */
function mean(previous: HealthSample, next: HealthSample, count: number): HealthSample {
  const blend = (a: number, b: number) => a + (b - a) / count;
  return {
    at: next.at,
    bufferedSeconds: round(blend(previous.bufferedSeconds, next.bufferedSeconds), 2),
    bitrateBps: Math.round(blend(previous.bitrateBps, next.bitrateBps)),
    downloadRatio: round(blend(previous.downloadRatio, next.downloadRatio), 3),
  };
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}
