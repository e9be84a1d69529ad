import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const MiB = 1024 * 1024;
/** monitorEventLoopDelay times a repeating timer of this period: a sample is the period plus the delay. */
const LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * A full garbage collection, so memory figures show what is still referenced. Vitest does not start its
 * workers with --expose-gc; the flag set at run time applies to contexts created afterwards, and a fresh
 * context hands out `gc`. V8 frees ArrayBuffer memory on a background sweeper after the collection, so
 * Buffers dropped just before still count until a second collection a moment later.
 */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
}

/** Bytes; "before" and "after" are taken after a full GC, the peak is sampled while the watch runs. */
export interface MemoryFigures {
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** Node Buffers and ArrayBuffers still referenced (segment bodies live here, outside the V8 heap). */
  buffersBefore: number;
  buffersAfter: number;
  heapBefore: number;
  heapAfter: number;
}

/** How busy this process was while the watch ran (relay, origin and test code share it). */
export interface LoadFigures {
  wallMs: number;
  /** User + system CPU of the whole process (every thread), ms. */
  cpuMs: number;
  /** Share of the wall time the main event loop was busy (0–1). */
  eventLoopUtilization: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface ProcessFigures {
  memory: MemoryFigures;
  load: LoadFigures;
}

export interface ProcessWatch {
  /** The peak RSS so far (bytes), sampled every `sampleMs`. */
  readonly rssPeak: number;
  stop(): Promise<ProcessFigures>;
}

/** Starts measuring this process's memory, CPU and event-loop delay until stop(). */
export async function watchProcess(options: { sampleMs?: number } = {}): Promise<ProcessWatch> {
  await collectGarbage();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, options.sampleMs ?? 50);
  const delay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  delay.enable();
  const utilization = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    get rssPeak() {
      return rssPeak;
    },
    async stop() {
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const busy = performance.eventLoopUtilization(utilization).utilization;
      clearInterval(sampler);
      delay.disable();
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      await collectGarbage();
      const after = process.memoryUsage();
      return {
        memory: {
          rssBefore: before.rss,
          rssPeak,
          rssAfter: after.rss,
          buffersBefore: before.arrayBuffers,
          buffersAfter: after.arrayBuffers,
          heapBefore: before.heapUsed,
          heapAfter: after.heapUsed,
        },
        load: {
          wallMs,
          cpuMs: (used.user + used.system) / 1000,
          eventLoopUtilization: busy,
          loopDelayP50Ms: lateness(delay.percentile(50)),
          loopDelayP99Ms: lateness(delay.percentile(99)),
          loopDelayMaxMs: lateness(delay.max),
        },
      };
    },
  };
}

function lateness(sampleNs: number): number {
  return Math.max(0, sampleNs / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}

/** `12.3 MiB` */
export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** One line for a test log: RSS before → peak → after, then the V8 heap and Buffers before → after. */
export function describeMemory(memory: MemoryFigures): string {
  return (
    `RSS ${mib(memory.rssBefore)} → peak ${mib(memory.rssPeak)} → ${mib(memory.rssAfter)} after GC ` +
    `(${signedMib(memory.rssAfter - memory.rssBefore)}), heap ${mib(memory.heapBefore)} → ${mib(memory.heapAfter)}, ` +
    `buffers ${mib(memory.buffersBefore)} → ${mib(memory.buffersAfter)}`
  );
}

function signedMib(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;
}
