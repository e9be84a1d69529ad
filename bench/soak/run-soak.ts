import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import type { TimelineEvent } from '../../src-main/shared/relay-types.js';
import { sleep } from '../lib/http-get.js';
import type { ControlDelay } from '../lib/loop-delay-control.js';
import { startPlayer, type Player } from '../lib/player.js';
import { benchChannel, startRelayStack } from '../lib/relay-stack.js';
import { fixed, MB } from '../lib/stats.js';
import { retimedSource } from '../lib/synthetic-source.js';
import { createChaos, mulberry32 } from './chaos.js';
import { slopePerMinute, startProcessMonitor, steadyStart, type ProcessFigures, type ProcessSample } from './process-monitor.js';

export interface SoakOptions {
  durationMs: number;
  channels?: number;
  playersPerChannel?: number;
  /** One disturbance (switch, outage or stall) this often. */
  chaosEveryMs?: number;
  sampleEveryMs?: number;
  /**
   * Samples taken before this are left out of the slopes (the heap grows to its working size first); so
   * are samples before V8 last resized its young generation, a one-time step of RSS that is not a leak.
   */
  warmupMs?: number;
  /** Seed of the disturbance sequence, so a failing run can be repeated. */
  seed?: number;
  log?: (line: string) => void;
  progressEveryMs?: number;
}

export interface SoakReport {
  durationMs: number;
  segmentSeconds: number;
  channels: number;
  players: number;
  seed: number;
  samples: ProcessSample[];
  /** Slopes are fitted to samples from here on: after the warm-up and after the young generation's last resize. */
  steadyFromMs: number;
  rssSlopeMbPerMin: number;
  heapSlopeMbPerMin: number;
  handleSlopePerMin: number;
  /** Event-loop delay sampled every 10 ms (values include the 10 ms interval). */
  eventLoop: { maxMs: number; p99Ms: number; meanMs: number };
  /** The same measured in an idle Node process at the same time: the machine's share of the delay. */
  controlEventLoop: ControlDelay | null;
  /** Longest garbage-collection pause and the number of major (mark-compact) collections. */
  gc: { maxPauseMs: number; majorCount: number };
  /** Segments the relay stored from upstream, all channels. */
  segmentsRelayed: number;
  /** Segments the players downloaded. */
  segmentsDelivered: number;
  bytesDelivered: number;
  switches: { ok: number; failed: number };
  /** Completed automatic switches. */
  failovers: number;
  failbacks: number;
  outages: number;
  stalls: number;
  player: { listed404: number; segmentErrors: number; playlistErrors: number; problems: string[] };
  /** Active handles before the relay started and after everything was closed. */
  handlesBefore: number;
  handlesAfterClose: number;
}

/** What a soak may not exceed; the CLI and the CI test check the same numbers. */
export const SOAK_LIMITS = {
  rssSlopeMbPerMin: 10,
  handleSlopePerMin: 10,
  eventLoopMaxMs: 100,
  listed404: 0,
};

const SEGMENT_SECONDS = 0.2;
const SOURCE_COUNT = 6;
const SOURCES_PER_CHANNEL = 3;

/**
 * Relays several channels from a 0.2 s-segment origin (the fixtures re-timed: one segment every 0.2 s, the
 * media inside is not real-time) to players following each channel, while manual switches, source outages
 * (connection resets, 503s) and stalls keep happening. Samples memory and handles, measures event-loop
 * delay, and counts what was relayed and what went wrong.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const channelCount = options.channels ?? 4;
  const playersPerChannel = options.playersPerChannel ?? 2;
  const warmupMs = options.warmupMs ?? Math.min(60_000, Math.max(30_000, options.durationMs * 0.25));
  const seed = options.seed ?? 20_261_125;

  const handlesBefore = process.getActiveResourcesInfo().length;
  const bases = await Promise.all(['a', 'b', 'c'].map((id) => loadFixtureSource(id)));
  const sourceIds = Array.from({ length: SOURCE_COUNT }, (_, index) => `s${index}`);
  const channelIds = Array.from({ length: channelCount }, (_, channel) => `ch-${channel}`);
  const stack = await startRelayStack({
    origin: {
      sources: sourceIds.map((id, index) => ({
        id,
        windowSize: 10,
        fixture: retimedSource(bases[index % bases.length]!, { id, segmentSeconds: SEGMENT_SECONDS }),
      })),
    },
    // Each channel has three sources; neighbouring channels share some, so one outage hits several.
    channels: (url) =>
      channelIds.map((id, channel) =>
        benchChannel(id, url, Array.from({ length: SOURCES_PER_CHANNEL }, (_, k) => sourceIds[(channel * 2 + k) % SOURCE_COUNT]!)),
      ),
    // Failback sooner than the default 30 s, so a short soak goes through it too.
    tuning: { failbackAfterMs: 5000, minDwellMs: 5000 },
  });

  const automatic = { failovers: 0, failbacks: 0 };
  // A completed automatic switch is recorded under its reason without an error code; the decision to
  // leave a failing source is recorded under 'failover' too, with the code of the failure.
  const unsubscribe = stack.relay.subscribe((update) => {
    if (update.type !== 'timeline' || update.event.code !== undefined) return;
    countAutomatic(update.event);
  });
  function countAutomatic(event: TimelineEvent): void {
    if (event.kind === 'failover') automatic.failovers += 1;
    else if (event.kind === 'failback') automatic.failbacks += 1;
  }
  const players: Player[] = channelIds.flatMap((channelId, channel) =>
    Array.from({ length: playersPerChannel }, (_, index) =>
      startPlayer({
        playlistUrl: `${stack.baseUrl}/stream/${channelId}`,
        userAgent: `soak-player-${channel}-${index}`,
        pollMs: 250 + (((channel * playersPerChannel + index) * 53) % 250),
      }),
    ),
  );
  const total = (value: (player: Player) => number) => players.reduce((sum, player) => sum + value(player), 0);
  const chaos = createChaos(stack, channelIds, sourceIds, mulberry32(seed));
  const monitor = startProcessMonitor(options.sampleEveryMs ?? 1000);
  const disturber = setInterval(() => chaos.disturb(), options.chaosEveryMs ?? 1500);
  const progress = setInterval(() => {
    const last = monitor.last();
    log(
      `soak ${fixed(monitor.elapsedMs() / 1000, 0)} s: RSS ${fixed(last?.rssMb ?? 0, 1)} MiB, heap ${fixed(last?.heapMb ?? 0, 1)} MiB, ` +
        `external ${fixed(last?.externalMb ?? 0, 1)} MiB, ${last?.handles ?? 0} handles, ` +
        `${total((p) => p.stats.segments)} segments played, ${chaos.counts.switchesOk} switches, ${automatic.failovers} failovers, ` +
        `${chaos.counts.outages + chaos.counts.stalls} outages/stalls, ${total((p) => p.stats.listed404)} listed 404s`,
    );
  }, options.progressEveryMs ?? 10_000);

  let figures: ProcessFigures;
  let segmentsRelayed = 0;
  try {
    await sleep(options.durationMs);
  } finally {
    clearInterval(disturber);
    clearInterval(progress);
    // The soak itself is measured, not the shutdown below.
    figures = await monitor.stop();
    await chaos.stop();
    await Promise.all(players.map((player) => player.stop()));
    segmentsRelayed = channelIds.reduce((sum, id) => sum + (stack.relay.channel(id)?.snapshot().health.segmentsStored ?? 0), 0);
    unsubscribe();
    await stack.close();
  }
  // Closed sockets and timers leave the list on the next turns of the event loop.
  await sleep(200);
  const handlesAfterClose = process.getActiveResourcesInfo().length;

  const steadyFromMs = steadyStart(figures.samples, warmupMs);
  return {
    durationMs: options.durationMs,
    segmentSeconds: SEGMENT_SECONDS,
    channels: channelCount,
    players: players.length,
    seed,
    samples: figures.samples,
    steadyFromMs,
    rssSlopeMbPerMin: slopePerMinute(figures.samples, steadyFromMs, (s) => s.rssMb),
    heapSlopeMbPerMin: slopePerMinute(figures.samples, steadyFromMs, (s) => s.heapMb),
    handleSlopePerMin: slopePerMinute(figures.samples, steadyFromMs, (s) => s.handles),
    eventLoop: figures.eventLoop,
    controlEventLoop: figures.controlEventLoop,
    gc: figures.gc,
    segmentsRelayed,
    segmentsDelivered: total((p) => p.stats.segments),
    bytesDelivered: total((p) => p.stats.bytes),
    switches: { ok: chaos.counts.switchesOk, failed: chaos.counts.switchesFailed },
    failovers: automatic.failovers,
    failbacks: automatic.failbacks,
    outages: chaos.counts.outages,
    stalls: chaos.counts.stalls,
    player: {
      listed404: total((p) => p.stats.listed404),
      segmentErrors: total((p) => p.stats.segmentErrors),
      playlistErrors: total((p) => p.stats.playlistErrors),
      problems: players.flatMap((player) => player.stats.problems).slice(0, 20),
    },
    handlesBefore,
    handlesAfterClose,
  };
}

/** The limits a report breaks, in words; empty when the soak passed. */
export function soakViolations(report: SoakReport, limits: typeof SOAK_LIMITS = SOAK_LIMITS): string[] {
  const broken: string[] = [];
  if (report.rssSlopeMbPerMin > limits.rssSlopeMbPerMin) {
    broken.push(`RSS grows ${fixed(report.rssSlopeMbPerMin, 2)} MiB/min (limit ${limits.rssSlopeMbPerMin})`);
  }
  if (report.handleSlopePerMin > limits.handleSlopePerMin) {
    broken.push(`open handles grow ${fixed(report.handleSlopePerMin, 2)}/min (limit ${limits.handleSlopePerMin})`);
  }
  // An idle process alongside measures the machine's own stalls (a busy CI runner): only the excess over it
  // is the relay's.
  const machineMs = report.controlEventLoop?.maxMs ?? 0;
  if (report.eventLoop.maxMs - machineMs > limits.eventLoopMaxMs) {
    broken.push(
      `event loop delay reached ${fixed(report.eventLoop.maxMs, 1)} ms, ${fixed(report.eventLoop.maxMs - machineMs, 1)} ms over an idle process alongside (limit ${limits.eventLoopMaxMs})`,
    );
  }
  if (report.player.listed404 > limits.listed404) {
    broken.push(`${report.player.listed404} listed segments answered 404: ${report.player.problems.join('; ')}`);
  }
  return broken;
}

export function formatSoakReport(report: SoakReport): string {
  const first = report.samples[0];
  const last = report.samples.at(-1);
  return [
    `duration ${fixed(report.durationMs / 60_000, 2)} min, ${report.channels} channels × ${report.players / report.channels} players, ` +
      `${report.segmentSeconds} s segments, seed ${report.seed}`,
    `RSS ${fixed(first?.rssMb ?? 0, 1)} → ${fixed(last?.rssMb ?? 0, 1)} MiB, slope ${fixed(report.rssSlopeMbPerMin, 2)} MiB/min ` +
      `(heap ${fixed(report.heapSlopeMbPerMin, 2)} MiB/min), fitted from ${fixed(report.steadyFromMs / 1000, 0)} s on`,
    `handles ${first?.handles ?? 0} → ${last?.handles ?? 0}, slope ${fixed(report.handleSlopePerMin, 2)}/min; ` +
      `${report.handlesBefore} before start, ${report.handlesAfterClose} after close`,
    `event loop delay max ${fixed(report.eventLoop.maxMs, 1)} ms, p99 ${fixed(report.eventLoop.p99Ms, 1)} ms, mean ${fixed(report.eventLoop.meanMs, 1)} ms ` +
      `(10 ms sampling; an idle process alongside: ${report.controlEventLoop ? `max ${fixed(report.controlEventLoop.maxMs, 1)} ms, p99 ${fixed(report.controlEventLoop.p99Ms, 1)} ms` : 'unknown'}); ` +
      `longest GC pause ${fixed(report.gc.maxPauseMs, 1)} ms, ${report.gc.majorCount} major GCs`,
    `segments relayed ${report.segmentsRelayed}, played ${report.segmentsDelivered} (${fixed(report.bytesDelivered / MB, 1)} MiB)`,
    `switches ${report.switches.ok} ok, ${report.switches.failed} refused; failovers ${report.failovers}, failbacks ${report.failbacks}; ` +
      `outages ${report.outages}, stalls ${report.stalls}`,
    `player errors: ${report.player.listed404} listed 404s, ${report.player.segmentErrors} other segment errors, ` +
      `${report.player.playlistErrors} playlist errors${report.player.problems.length > 0 ? ` (${report.player.problems.join('; ')})` : ''}`,
  ].join('\n');
}
