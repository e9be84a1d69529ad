import { performance } from 'node:perf_hooks';
import type { FixtureSource } from '../../src-main/demo/fixtures.js';
import { httpRequest, sleep } from './http-get.js';
import { identifySource } from './identify-source.js';
import type { RelayStack } from './relay-stack.js';

export interface FirstListed {
  seq: number;
  /** performance.now() when the playlist listing it arrived. */
  listedAt: number;
  targetDuration: number;
}

/**
 * Polls the channel's playlist every `pollMs` until it lists, after `afterSeq`, the first segment of a new
 * run (a discontinuity) whose bytes come from `sourceId`. Throws after `timeoutMs`.
 */
export async function waitForSourceListed(
  stack: RelayStack,
  channelId: string,
  options: { afterSeq: number; sourceId: string; fixtures: readonly FixtureSource[]; pollMs: number; timeoutMs: number },
): Promise<FirstListed> {
  const deadline = performance.now() + options.timeoutMs;
  let checkedUpTo = options.afterSeq;
  while (performance.now() < deadline) {
    const playlist = await stack.playlist(channelId).catch(() => null);
    const listedAt = performance.now();
    for (const segment of playlist?.segments ?? []) {
      if (segment.seq <= checkedUpTo || !segment.discontinuity) continue;
      const { status, body } = await httpRequest(segment.url);
      // A discontinuity from the old source (its own loop restarting) is not the one we wait for.
      checkedUpTo = segment.seq;
      if (status === 200 && identifySource(body, options.fixtures) === options.sourceId) {
        return { seq: segment.seq, listedAt, targetDuration: playlist!.targetDuration };
      }
    }
    await sleep(options.pollMs);
  }
  throw new Error(`${channelId}: no segment of ${options.sourceId} listed within ${options.timeoutMs / 1000} s`);
}

/** Waits until the channel's playlist lists at least `segments` segments; returns the newest seq. */
export async function waitUntilListing(stack: RelayStack, channelId: string, segments: number, timeoutMs = 20_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const playlist = await stack.playlist(channelId).catch(() => null);
    if (playlist && playlist.segments.length >= segments) return playlist.segments.at(-1)!.seq;
    await sleep(100);
  }
  throw new Error(`channel ${channelId} listed fewer than ${segments} segments after ${timeoutMs / 1000} s`);
}
