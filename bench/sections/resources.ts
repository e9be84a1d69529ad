import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import { createLiveOrigin } from '../../src-main/demo/live-origin.js';
import { DEFAULT_SETTINGS } from '../../src-main/shared/lineup-types.js';
import type { BenchContext, Figure } from '../lib/figures.js';
import { sleep } from '../lib/http-get.js';
import { startPlayer } from '../lib/player.js';
import { startRelayHost, type ResourceSample } from '../lib/relay-host.js';
import { benchChannel } from '../lib/relay-stack.js';
import { fixed, MB } from '../lib/stats.js';
import { paddedSource, sourceBitrate } from '../lib/synthetic-source.js';

const CHANNELS = 10;
const PLAYING = 3;
const BITRATE = 8_000_000;
const SEGMENT_SECONDS = 2;

/**
 * 8: the relay alone in a child process (origin and players stay here) with 10 idle channels, then with 3
 * of them playing an 8 Mbit/s source to one player each: memory after a full GC, and CPU over a fixed
 * window; per channel = (playing − idle) / 3.
 */
export async function measureResources(context: BenchContext): Promise<Figure[]> {
  const windowMs = context.quick ? 5000 : 15_000;
  // Memory is steady once the first segments have left the window (window duration) and expired (their
  // duration plus the window's, RFC 8216 §6.2.2): the buffer then holds about two windows of segments.
  const windowSeconds = DEFAULT_SETTINGS.windowSegments * SEGMENT_SECONDS;
  const warmupMs = context.quick ? 8000 : (2 * windowSeconds + SEGMENT_SECONDS) * 1000 + 4000;
  const bases = await Promise.all(['a', 'b', 'c'].map((id) => loadFixtureSource(id)));
  const sources = bases.map((base, index) => paddedSource(base, { id: `hd-${index}`, segmentSeconds: SEGMENT_SECONDS, bitsPerSecond: BITRATE }));
  const origin = await createLiveOrigin({ sources: sources.map((fixture) => ({ id: fixture.id, fixture })) });
  const lineup = {
    channels: Array.from({ length: CHANNELS }, (_, index) => benchChannel(`ch-${index}`, origin.url, [sources[index % sources.length]!.id])),
    providers: [],
  };
  const bitrate = sourceBitrate(sources[0]!);
  const segmentBytes = sources[0]!.segments[0]!.bytes.length;
  context.log(
    `\n[8] resources: relay in its own process; sources ${fixed(bitrate / 1e6, 2)} Mbit/s, ${SEGMENT_SECONDS} s segments ` +
      `of ${fixed(segmentBytes / MB, 2)} MiB; CPU windows of ${windowMs / 1000} s, ${fixed(warmupMs / 1000, 0)} s warm-up`,
  );
  try {
    const empty = await startRelayHost({ channels: [], providers: [] });
    await sleep(1000);
    const emptySample = await empty.sample();
    await empty.stop();
    context.log(`  no channels:       ${describeMemory(emptySample)}`);

    const host = await startRelayHost(lineup);
    try {
      await sleep(1000);
      const idleStart = await host.sample();
      await sleep(windowMs);
      const idleEnd = await host.sample();
      const idleCpu = (idleEnd.cpuMs - idleStart.cpuAfterGcMs) / windowMs;
      context.log(`  ${CHANNELS} idle channels:  ${describeMemory(idleEnd)}, CPU ${fixed(idleCpu * 100, 2)} % of a core`);

      const players = Array.from({ length: PLAYING }, (_, index) =>
        startPlayer({ playlistUrl: `${host.baseUrl}/stream/ch-${index}`, userAgent: `bench-player-${index}`, pollMs: 1000 }),
      );
      try {
        await sleep(warmupMs);
        const playStart = await host.sample();
        const served = players.reduce((sum, player) => sum + player.stats.bytes, 0);
        await sleep(windowMs);
        const playEnd = await host.sample();
        const servedMiBs = (players.reduce((sum, player) => sum + player.stats.bytes, 0) - served) / MB / (windowMs / 1000);
        const playCpu = (playEnd.cpuMs - playStart.cpuAfterGcMs) / windowMs;
        const perChannel = {
          cpu: (playCpu - idleCpu) / PLAYING,
          rss: (playEnd.rss - idleEnd.rss) / PLAYING,
          heap: (playEnd.heapUsed - idleEnd.heapUsed) / PLAYING,
          buffers: (playEnd.arrayBuffers - idleEnd.arrayBuffers) / PLAYING,
        };
        const segmentsHeld = perChannel.buffers / segmentBytes;
        const errors = players.flatMap((player) => player.stats.problems);
        context.log(
          `  ${PLAYING} playing channels: ${describeMemory(playEnd)}, CPU ${fixed(playCpu * 100, 2)} % of a core, ` +
            `players received ${fixed(servedMiBs, 2)} MiB/s${errors.length > 0 ? `, player problems: ${errors.join('; ')}` : ''}`,
        );
        context.log(
          `  per playing channel: CPU ${fixed(perChannel.cpu * 100, 2)} % of a core (${fixed(perChannel.cpu * 3600, 0)} CPU s per hour), ` +
            `RSS ${fixed(perChannel.rss / MB, 1)} MiB, heap ${fixed(perChannel.heap / MB, 2)} MiB, ` +
            `array buffers ${fixed(perChannel.buffers / MB, 1)} MiB ≈ ${fixed(segmentsHeld, 1)} segments held`,
        );
        const held = `≈ ${fixed(segmentsHeld, 1)} segments of ${fixed(segmentBytes / MB, 1)} MiB held per channel after ${fixed(warmupMs / 1000, 0)} s`;
        return [
          { id: '8', what: 'Relay process with no channels (RSS / heap)', value: memory(emptySample) },
          { id: '8', what: `${CHANNELS} idle channels (RSS / heap; CPU)`, value: `${memory(idleEnd)}; ${fixed(idleCpu * 100, 2)} % of a core` },
          {
            id: '8',
            what: `${PLAYING} playing channels at ${fixed(bitrate / 1e6, 1)} Mbit/s (RSS / heap; CPU)`,
            value: `${memory(playEnd)}; ${fixed(playCpu * 100, 2)} % of a core`,
            verdict: held,
          },
          {
            id: '8',
            what: 'Per playing channel (3 playing − idle) / 3',
            value: `${fixed(perChannel.cpu * 3600, 0)} CPU s/h (${fixed(perChannel.cpu * 100, 2)} % of a core) · RSS ${fixed(perChannel.rss / MB, 1)} MiB`,
            verdict: `array buffers ${fixed(perChannel.buffers / MB, 1)} MiB, heap ${fixed(perChannel.heap / MB, 2)} MiB`,
          },
        ];
      } finally {
        await Promise.all(players.map((player) => player.stop()));
      }
    } finally {
      await host.stop();
    }
  } finally {
    await origin.close();
  }
}

function memory(sample: ResourceSample): string {
  return `${fixed(sample.rss / MB, 1)} / ${fixed(sample.heapUsed / MB, 1)} MiB`;
}

function describeMemory(sample: ResourceSample): string {
  return `RSS ${fixed(sample.rss / MB, 1)} MiB, heap ${fixed(sample.heapUsed / MB, 1)} MiB, array buffers ${fixed(sample.arrayBuffers / MB, 1)} MiB, ${sample.handles} handles`;
}
