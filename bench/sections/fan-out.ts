import { loadFixtureSource, type FixtureSource } from '../../src-main/demo/fixtures.js';
import type { TimelineEvent } from '../../src-main/shared/relay-types.js';
import { startBareServer } from '../lib/bare-server.js';
import { goal, type BenchContext, type Figure } from '../lib/figures.js';
import type { LoadJob } from '../lib/load-generator.js';
import { startLoadProcess, type LoadRun } from '../lib/load-process.js';
import { benchChannel, startRelayStack, type RelayStack } from '../lib/relay-stack.js';
import { fixed, MB, median } from '../lib/stats.js';
import { paddedSource } from '../lib/synthetic-source.js';
import { waitUntilListing } from '../lib/watch-playlist.js';

const CLIENT_COUNTS = [1, 10, 100, 500];
const RATIO_GOAL = 0.9;

interface SizeClass {
  /** Channel id and origin source id. */
  id: string;
  label: string;
  fixture: FixtureSource;
  targetDuration: number;
}

/**
 * 1–3: many clients GET the live segments of one channel through the relay, and the same bytes from a bare
 * node:http server, level by level in the same run; then how often the origin was asked for each segment.
 */
export async function measureFanOut(context: BenchContext): Promise<Figure[]> {
  const small = await loadFixtureSource('a');
  const classes: SizeClass[] = [{ id: 'small', label: 'fixture ~13 KB segments', fixture: small, targetDuration: 1 }];
  if (!context.quick) {
    const large = paddedSource(small, { id: 'large', segmentSeconds: 2, bitsPerSecond: 8_000_000 });
    classes.push({ id: 'large', label: '8 Mbit/s, 2 s ≈ 2 MB segments', fixture: large, targetDuration: 2 });
  }
  // Other work on the machine makes single runs noisy: each level runs `rounds` times, bare and relay in
  // alternating order, and the medians are reported.
  const timing = context.quick ? { warmupMs: 500, durationMs: 1500, rounds: 1 } : { warmupMs: 500, durationMs: 1500, rounds: 3 };
  const stack = await startRelayStack({
    origin: { sources: classes.map((c) => ({ id: c.id, fixture: c.fixture })) },
    channels: (url) => classes.map((c) => benchChannel(c.id, url, [c.id])),
  });
  const load = startLoadProcess();
  const figures: Figure[] = [];
  try {
    for (const sizeClass of classes) {
      context.log(
        `\n[1–2] fan-out, ${sizeClass.label}: ${timing.rounds} × ${timing.durationMs / 1000} s per server and level ` +
          `after ${timing.warmupMs / 1000} s warm-up, medians`,
      );
      await waitUntilListing(stack, sizeClass.id, 3);
      const bare = await startBareServer(
        sizeClass.fixture.segments.map((segment) => segment.bytes),
        sizeClass.targetDuration,
      );
      const relayUrl = `${stack.baseUrl}/stream/${sizeClass.id}`;
      try {
        // Let both servers and the load generator reach their optimised code before anything counts.
        for (const url of [bare.playlistUrl, relayUrl]) await load.run({ playlistUrl: url, clients: 10, refreshMs: 500, warmupMs: 0, durationMs: 1000 });
        for (const clients of CLIENT_COUNTS) {
          const job = (playlistUrl: string): LoadJob => ({ playlistUrl, clients, refreshMs: 500, warmupMs: timing.warmupMs, durationMs: timing.durationMs });
          const baselines: LoadRun[] = [];
          const relayed: LoadRun[] = [];
          for (let round = 0; round < timing.rounds; round += 1) {
            if (round % 2 === 0) {
              baselines.push(await load.run(job(bare.playlistUrl)));
              relayed.push(await load.run(job(relayUrl)));
            } else {
              relayed.push(await load.run(job(relayUrl)));
              baselines.push(await load.run(job(bare.playlistUrl)));
            }
          }
          const baseline = medianRun(baselines);
          const relay = medianRun(relayed);
          figures.push(...fanOutFigures(sizeClass.id, clients, relay, baseline));
          context.log(
            `  ${String(clients).padStart(3)} clients  bare  ${describeRun(baseline)}\n` +
              `               relay ${describeRun(relay)}  ratio ${fixed(rate(relay) / rate(baseline), 2)}`,
          );
        }
      } finally {
        await bare.close();
      }
      figures.push(upstreamFigure(stack, sizeClass.id, context));
      await logTroubles(stack, sizeClass.id, context);
    }
  } finally {
    await load.close();
    await stack.close();
  }
  return figures;
}

/** Field-wise medians of several runs of one job (errors are summed: any error counts). */
function medianRun(runs: readonly LoadRun[]): LoadRun {
  const pick = (value: (run: LoadRun) => number) => median(runs.map(value));
  const first = runs[0]!;
  return {
    serverCpuMs: pick((run) => run.serverCpuMs),
    result: {
      requests: pick((run) => run.result.requests),
      bytes: pick((run) => run.result.bytes),
      errors: runs.reduce((sum, run) => sum + run.result.errors, 0),
      firstError: runs.find((run) => run.result.firstError !== null)?.result.firstError ?? null,
      latencyP50Ms: pick((run) => run.result.latencyP50Ms),
      latencyP99Ms: pick((run) => run.result.latencyP99Ms),
      latencyMaxMs: Math.max(...runs.map((run) => run.result.latencyMaxMs)),
      windowMs: first.result.windowMs,
      clientCpuMs: pick((run) => run.result.clientCpuMs),
      connectionsOpened: pick((run) => run.result.connectionsOpened),
    },
  };
}

function rate(run: LoadRun): number {
  return run.result.requests / (run.result.windowMs / 1000);
}

function mibPerSecond(run: LoadRun): number {
  return run.result.bytes / MB / (run.result.windowMs / 1000);
}

function cpuPerRequestUs(run: LoadRun): number {
  return (run.serverCpuMs * 1000) / run.result.requests;
}

function describeRun(run: LoadRun): string {
  const { result } = run;
  const errors = result.errors > 0 ? `  ${result.errors} ERRORS (${result.firstError})` : '';
  return (
    `${fixed(rate(run), 0).padStart(7)} req/s ${fixed(mibPerSecond(run), 1).padStart(7)} MiB/s  ` +
    `p50 ${fixed(result.latencyP50Ms, 2)} ms p99 ${fixed(result.latencyP99Ms, 2)} ms  ` +
    `server ${fixed(cpuPerRequestUs(run), 0)} µs CPU/req (${fixed((run.serverCpuMs / result.windowMs) * 100, 0)} % of a core), ` +
    `client ${fixed((result.clientCpuMs / result.windowMs) * 100, 0)} % of a core, ${result.connectionsOpened} connections${errors}`
  );
}

function fanOutFigures(channel: string, clients: number, relayed: LoadRun, baseline: LoadRun): Figure[] {
  const ratio = rate(relayed) / rate(baseline);
  const throughput = (run: LoadRun) =>
    `${fixed(rate(run), 0)} req/s · ${fixed(mibPerSecond(run), 1)} MiB/s · ${fixed(cpuPerRequestUs(run), 0)} µs CPU/req` +
    (run.result.errors > 0 ? ` · ${run.result.errors} errors` : '');
  const latency = (run: LoadRun) => `${fixed(run.result.latencyP50Ms, 2)} / ${fixed(run.result.latencyP99Ms, 2)} ms`;
  return [
    {
      id: '1',
      what: `Fan-out ${channel} ×${clients}`,
      value: throughput(relayed),
      baseline: throughput(baseline),
      verdict:
        goal(ratio >= RATIO_GOAL && relayed.result.errors === 0, `ratio ${fixed(ratio, 2)} (≥ ${RATIO_GOAL})`) +
        `; CPU/req ×${fixed(cpuPerRequestUs(relayed) / cpuPerRequestUs(baseline), 2)}`,
    },
    { id: '2', what: `Segment latency p50 / p99, ${channel} ×${clients}`, value: latency(relayed), baseline: latency(baseline) },
  ];
}

/** The channel's timeline events that carry an error code: why a segment was fetched twice, if it was. */
async function logTroubles(stack: RelayStack, channelId: string, context: BenchContext): Promise<void> {
  const { json } = await stack.api<{ events: TimelineEvent[] }>('GET', `/api/channels/${channelId}/timeline`);
  for (const event of json.events.filter((e) => e.code !== undefined)) {
    context.log(`  relay timeline: ${event.kind} ${event.code}: ${event.message}`);
  }
}

function upstreamFigure(stack: RelayStack, sourceId: string, context: BenchContext): Figure {
  const gets = [...stack.origin.segmentGets(sourceId).values()];
  const total = gets.reduce((sum, count) => sum + count, 0);
  const perSegment = total / gets.length;
  const most = Math.max(...gets);
  context.log(`  upstream: ${gets.length} segments fetched from the origin, ${total} GETs: ${fixed(perSegment, 2)} per segment (max ${most})`);
  return {
    id: '3',
    what: `Upstream GETs per segment (${sourceId}, ${gets.length} segments, all runs)`,
    value: `${fixed(perSegment, 2)} (max ${most})`,
    verdict: goal(perSegment === 1, 'target 1.00'),
  };
}
