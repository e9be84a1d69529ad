import { performance } from 'node:perf_hooks';
import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import type { KillMode } from '../../src-main/demo/live-origin.js';
import type { BenchContext, Figure } from '../lib/figures.js';
import { sleep } from '../lib/http-get.js';
import { benchChannel, startRelayStack } from '../lib/relay-stack.js';
import { fixed, max, median } from '../lib/stats.js';
import { waitForSourceListed, waitUntilListing } from '../lib/watch-playlist.js';

const POLL_MS = 20;

/**
 * 5: a channel with two live sources; the active one is killed at the origin (kill(): connections reset,
 * or 503) and a player polling every 20 ms waits for the backup's first segment. The killed source is
 * revived afterwards, so the next run fails over the other way.
 */
export async function measureFailover(context: BenchContext): Promise<Figure[]> {
  const runs = context.quick ? 2 : 5;
  const modes: KillMode[] = context.quick ? ['reset'] : ['reset', 'unavailable'];
  const fixtures = await Promise.all(['a', 'b'].map((id) => loadFixtureSource(id)));
  const figures: Figure[] = [];
  for (const mode of modes) {
    const stack = await startRelayStack({ origin: { sources: ['a', 'b'] }, channels: (url) => [benchChannel('fo', url, ['a', 'b'])] });
    context.log(`\n[5] failover latency: ${runs} kills (${mode === 'reset' ? 'TCP reset' : 'HTTP 503'}) of the active source`);
    const listed: number[] = [];
    const spliced: number[] = [];
    let targetDuration = 0;
    try {
      await waitUntilListing(stack, 'fo', 3);
      await sleep(1000);
      for (let run = 0; run < runs; run += 1) {
        const active = (await stack.snapshot('fo')).activeSourceId!;
        const backup = active === 'a' ? 'b' : 'a';
        const before = await stack.playlist('fo');
        const started = performance.now();
        stack.origin.kill(active, mode);
        const first = await waitForSourceListed(stack, 'fo', {
          afterSeq: before.segments.at(-1)?.seq ?? -1,
          sourceId: backup,
          fixtures,
          pollMs: POLL_MS,
          timeoutMs: 30_000,
        });
        stack.origin.revive(active);
        const snapshot = await stack.snapshot('fo');
        targetDuration = first.targetDuration;
        listed.push(first.listedAt - started);
        const splice = snapshot.lastSwitch?.reason === 'failover' ? snapshot.lastSwitch.latencyMs : Number.NaN;
        spliced.push(splice);
        context.log(`  ${active} killed → ${backup} listed after ${fixed(first.listedAt - started, 0)} ms (relay's own switch latency ${splice} ms)`);
        await sleep(2000);
      }
    } finally {
      await stack.close();
    }
    const inTd = (ms: number) => fixed(ms / 1000 / targetDuration, 2);
    context.log(`  median/max ${fixed(median(listed), 0)}/${fixed(max(listed), 0)} ms; target duration ${targetDuration} s`);
    figures.push({
      id: '5',
      what: `Failover, kill (${mode}) → backup listed (median / max of ${listed.length})`,
      value: `${inTd(median(listed))} / ${inTd(max(listed))} TD = ${fixed(median(listed), 0)} / ${fixed(max(listed), 0)} ms`,
      verdict: `TD = ${targetDuration} s; of which switching ${fixed(median(spliced), 0)} ms`,
    });
  }
  return figures;
}
