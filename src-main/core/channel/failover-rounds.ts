import type { SourceConfig } from '../../shared/lineup-types.js';
import { retryDelay, type BackoffPolicy } from '../upstream/backoff.js';

/**
 * Round-robin over a channel's sources during failover: each source is tried once per round; when every
 * one has failed, the next round waits an exponential backoff.
 */
export class FailoverRounds {
  #failed = new Set<string>();
  #exhaustedRounds = 0;
  #nextRoundAt = 0;

  /** A source delivered: the rounds start over. */
  reset(): void {
    this.#failed.clear();
    this.#exhaustedRounds = 0;
  }

  markFailed(sourceId: string): void {
    this.#failed.add(sourceId);
  }

  /** Whether a new attempt may start (not waiting out the backoff after a round where everything failed). */
  ready(now: number): boolean {
    return now >= this.#nextRoundAt;
  }

  /** The next source after `from` in lineup order that has not failed in this round. */
  next(sources: readonly SourceConfig[], from: SourceConfig): SourceConfig | null {
    const start = sources.findIndex((source) => source.id === from.id);
    for (let step = 1; step <= sources.length; step += 1) {
      const candidate = sources[(start + step) % sources.length]!;
      if (!this.#failed.has(candidate.id)) return candidate;
    }
    return null;
  }

  /** Every source failed: a new round starts after the returned wait, with only `current` marked. */
  exhaust(now: number, backoff: BackoffPolicy, current: SourceConfig): number {
    this.#exhaustedRounds += 1;
    const wait = retryDelay(this.#exhaustedRounds, backoff);
    this.#nextRoundAt = now + wait;
    this.#failed = new Set([current.id]);
    return wait;
  }
}
