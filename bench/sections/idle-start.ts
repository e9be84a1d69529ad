import { performance } from 'node:perf_hooks';
import type { BenchContext, Figure } from '../lib/figures.js';
import { httpRequest, sleep } from '../lib/http-get.js';
import { readMediaPlaylist } from '../lib/media-playlist.js';
import { benchChannel, startRelayStack } from '../lib/relay-stack.js';
import { fixed, max, median } from '../lib/stats.js';

const SOURCES = ['a', 'b', 'c'];

/**
 * 6: the first request of an idle channel until a playlist a player can start from (200 with segments,
 * the first of which downloads). A 503 "channel starting" is retried at once, as the time to count is the
 * relay's, not a player's Retry-After.
 */
export async function measureIdleStart(context: BenchContext): Promise<Figure[]> {
  const runs = context.quick ? 4 : 10;
  const stack = await startRelayStack({
    origin: { sources: SOURCES },
    channels: (url) => Array.from({ length: runs }, (_, index) => benchChannel(`idle-${index}`, url, [SOURCES[index % SOURCES.length]!])),
  });
  context.log(`\n[6] idle channel → first playable playlist, ${runs} channels one after another`);
  const times: number[] = [];
  let retries = 0;
  try {
    for (let index = 0; index < runs; index += 1) {
      const url = `${stack.baseUrl}/stream/idle-${index}`;
      const started = performance.now();
      for (;;) {
        const { status, body } = await httpRequest(url);
        if (status === 200) {
          const playlist = readMediaPlaylist(body.toString('utf8'), url);
          const elapsed = performance.now() - started;
          const first = playlist.segments[0];
          const playable = first !== undefined && (await httpRequest(first.url)).status === 200;
          if (!playable) throw new Error(`idle-${index}: first playlist lists no downloadable segment`);
          times.push(elapsed);
          context.log(`  idle-${index}: ${fixed(elapsed, 0)} ms, ${playlist.segments.length} segments listed`);
          break;
        }
        if (status !== 503 || performance.now() - started > 20_000) throw new Error(`idle-${index}: HTTP ${status}`);
        retries += 1;
        await sleep(10);
      }
    }
  } finally {
    await stack.close();
  }
  context.log(`  median ${fixed(median(times), 0)} ms, max ${fixed(max(times), 0)} ms, ${retries} retries after 503`);
  return [
    {
      id: '6',
      what: `Idle channel → first playable playlist (median / max of ${times.length})`,
      value: `${fixed(median(times), 0)} / ${fixed(max(times), 0)} ms`,
      verdict: retries > 0 ? `${retries} × 503 first` : 'no 503',
    },
  ];
}
