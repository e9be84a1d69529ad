import { performance } from 'node:perf_hooks';
import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import type { SwitchOutcome } from '../../src-main/shared/relay-client.js';
import type { BenchContext, Figure } from '../lib/figures.js';
import { sleep } from '../lib/http-get.js';
import { benchChannel, startRelayStack } from '../lib/relay-stack.js';
import { fixed, max, median } from '../lib/stats.js';
import { waitForSourceListed, waitUntilListing } from '../lib/watch-playlist.js';

const POLL_MS = 20;

/**
 * 4: a player polls the playlist every 20 ms while POST /api/channels/<id>/switch alternates the channel
 * between two live sources: the API's latencyMs, and the time until a playlist lists the new source's
 * first segment (checked by its bytes).
 */
export async function measureSwitchLatency(context: BenchContext): Promise<Figure[]> {
  const switches = context.quick ? 4 : 10;
  const fixtures = await Promise.all(['a', 'b'].map((id) => loadFixtureSource(id)));
  const stack = await startRelayStack({ origin: { sources: ['a', 'b'] }, channels: (url) => [benchChannel('sw', url, ['a', 'b'])] });
  context.log(`\n[4] switch latency: ${switches} manual switches a⇄b, playlist polled every ${POLL_MS} ms`);
  const api: number[] = [];
  const listed: number[] = [];
  let targetDuration = 0;
  try {
    await waitUntilListing(stack, 'sw', 3);
    await sleep(1000);
    for (let index = 0; index < switches; index += 1) {
      const to = index % 2 === 0 ? 'b' : 'a';
      const before = await stack.playlist('sw');
      const started = performance.now();
      const posted = stack.api<SwitchOutcome>('POST', '/api/channels/sw/switch', { sourceId: to });
      const first = await waitForSourceListed(stack, 'sw', {
        afterSeq: before.segments.at(-1)?.seq ?? -1,
        sourceId: to,
        fixtures,
        pollMs: POLL_MS,
        timeoutMs: 15_000,
      });
      const outcome = (await posted).json;
      if (!outcome.ok || !outcome.switch) throw new Error(`switch to ${to} failed: ${JSON.stringify(outcome).slice(0, 300)}`);
      targetDuration = first.targetDuration;
      api.push(outcome.switch.latencyMs);
      listed.push(first.listedAt - started);
      context.log(`  → ${to}: API latencyMs ${outcome.switch.latencyMs} ms, listed after ${fixed(first.listedAt - started, 0)} ms (seq ${first.seq})`);
      await sleep(1500);
    }
  } finally {
    await stack.close();
  }
  const inTd = (ms: number) => fixed(ms / 1000 / targetDuration, 2);
  context.log(`  median/max: API ${median(api)}/${max(api)} ms, listed ${fixed(median(listed), 0)}/${fixed(max(listed), 0)} ms; target duration ${targetDuration} s`);
  return [
    {
      id: '4',
      what: `Switch, API latencyMs (median / max of ${api.length})`,
      value: `${fixed(median(api), 0)} / ${fixed(max(api), 0)} ms = ${inTd(median(api))} / ${inTd(max(api))} TD`,
      verdict: `TD = ${targetDuration} s`,
    },
    {
      id: '4',
      what: `Switch, POST → new source listed (median / max of ${listed.length})`,
      value: `${fixed(median(listed), 0)} / ${fixed(max(listed), 0)} ms = ${inTd(median(listed))} / ${inTd(max(listed))} TD`,
      verdict: `TD = ${targetDuration} s`,
    },
  ];
}
