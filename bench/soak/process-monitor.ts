import { constants, monitorEventLoopDelay, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { startLoopDelayControl, type ControlDelay } from '../lib/loop-delay-control.js';
import { leastSquaresSlope, MB } from '../lib/stats.js';

export interface ProcessSample {
  atMs: number;
  rssMb: number;
  heapMb: number;
  /** Memory outside the JS heap (Buffers: segments, sockets' data). */
  externalMb: number;
  /** V8's young generation reservation: it grows once under load (16 → 32 MiB) and then stays. */
  newSpaceMb: number;
  handles: number;
}

export interface ProcessFigures {
  samples: ProcessSample[];
  /** Event-loop delay sampled every 10 ms (values include the 10 ms interval). */
  eventLoop: { maxMs: number; p99Ms: number; meanMs: number };
  /** The same measured in an idle Node process at the same time: the machine's share of the delay. */
  controlEventLoop: ControlDelay | null;
  /** Longest garbage-collection pause and the number of major (mark-compact) collections. */
  gc: { maxPauseMs: number; majorCount: number };
}

export interface ProcessMonitor {
  /** The newest sample. */
  last(): ProcessSample | undefined;
  elapsedMs(): number;
  stop(): Promise<ProcessFigures>;
}

/** Samples this process's memory and handles every `sampleEveryMs` and watches its event loop and GC. */
export function startProcessMonitor(sampleEveryMs: number): ProcessMonitor {
  const started = performance.now();
  const samples: ProcessSample[] = [];
  const sample = () => {
    const memory = process.memoryUsage();
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    samples.push({
      atMs: performance.now() - started,
      rssMb: memory.rss / MB,
      heapMb: memory.heapUsed / MB,
      externalMb: memory.external / MB,
      newSpaceMb: newSpace / MB,
      handles: process.getActiveResourcesInfo().length,
    });
  };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const control = startLoopDelayControl();
  const gc = { maxPauseMs: 0, majorCount: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.maxPauseMs = Math.max(gc.maxPauseMs, entry.duration);
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.majorCount += 1;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  sample();
  const sampler = setInterval(sample, sampleEveryMs);

  return {
    last: () => samples.at(-1),
    elapsedMs: () => performance.now() - started,
    async stop() {
      clearInterval(sampler);
      sample();
      delay.disable();
      gcObserver.disconnect();
      return {
        samples,
        eventLoop: { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6 },
        controlEventLoop: await control.stop(),
        gc,
      };
    },
  };
}

const MIN_STEADY_SAMPLES = 10;
// RSS follows a young-generation resize over several seconds, as the new pages are first written.
const RESIZE_SETTLE_MS = 10_000;

/** Where the fitted part starts: past the warm-up and the young generation's last resize, keeping 10 samples. */
export function steadyStart(samples: readonly ProcessSample[], warmupMs: number): number {
  let from = warmupMs;
  samples.forEach((sample, index) => {
    if (index > 0 && sample.newSpaceMb !== samples[index - 1]!.newSpaceMb) from = Math.max(from, sample.atMs + RESIZE_SETTLE_MS);
  });
  const latest = samples.at(-MIN_STEADY_SAMPLES)?.atMs ?? 0;
  return Math.min(from, latest);
}

/** Least-squares slope per minute of one sampled value, over the samples from `fromMs` on. */
export function slopePerMinute(samples: readonly ProcessSample[], fromMs: number, value: (sample: ProcessSample) => number): number {
  return leastSquaresSlope(samples.filter((s) => s.atMs >= fromMs).map((s) => ({ x: s.atMs / 60_000, y: value(s) })));
}
