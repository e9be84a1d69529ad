import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { httpRequest, sleep } from './http-get.js';
import { readMediaPlaylist } from './media-playlist.js';
import { percentile } from './stats.js';

/**
 * A closed-loop load: `clients` concurrent clients, each on its own keep-alive connection, GET the segments
 * listed in `playlistUrl` one after another (each client starts at a different one) for warm-up plus
 * `durationMs`. The list is re-read every `refreshMs`, as a live player would.
 */
export interface LoadJob {
  playlistUrl: string;
  clients: number;
  warmupMs: number;
  durationMs: number;
  refreshMs: number;
}

/** Figures over the measuring window only (requests that completed inside it). */
export interface LoadResult {
  requests: number;
  bytes: number;
  /** Non-200 answers and failed requests, whole run. */
  errors: number;
  firstError: string | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  windowMs: number;
  /** CPU the load generator itself used during the window (ms), to tell whether it was the bottleneck. */
  clientCpuMs: number;
  connectionsOpened: number;
}

export async function generateLoad(job: LoadJob, onWindowStart: () => void = () => {}): Promise<LoadResult> {
  const agent = new Agent({ connections: job.clients, keepAliveTimeout: 30_000, pipelining: 1 });
  const listAgent = new Agent({ connections: 1 });
  let connectionsOpened = 0;
  agent.on('connect', () => (connectionsOpened += 1));
  let urls: string[] = [];
  const refresh = async () => {
    const { status, body } = await httpRequest(job.playlistUrl, { dispatcher: listAgent });
    if (status !== 200) throw new Error(`playlist ${job.playlistUrl}: HTTP ${status}`);
    const listed = readMediaPlaylist(body.toString('utf8'), job.playlistUrl).segments.map((segment) => segment.url);
    if (listed.length > 0) urls = listed;
  };
  await refresh();
  if (urls.length === 0) throw new Error(`${job.playlistUrl} lists no segments`);

  const start = performance.now();
  const windowStart = start + job.warmupMs;
  const windowEnd = windowStart + job.durationMs;
  const latencies: number[] = [];
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  let firstError: string | null = null;
  let cpuAtWindow = process.cpuUsage();
  const windowTimer = setTimeout(() => {
    cpuAtWindow = process.cpuUsage();
    onWindowStart();
  }, job.warmupMs);

  const fail = (message: string) => {
    errors += 1;
    firstError ??= message;
  };

  const refresher = async () => {
    while (performance.now() < windowEnd) {
      await sleep(Math.min(job.refreshMs, Math.max(0, windowEnd - performance.now())));
      await refresh().catch((error: unknown) => fail(String(error)));
    }
  };

  const client = async (index: number) => {
    const headers = { 'user-agent': `bench-client-${index}` };
    let next = index;
    while (performance.now() < windowEnd) {
      const url = urls[next++ % urls.length]!;
      const sent = performance.now();
      try {
        const response = await request(url, { dispatcher: agent, headers });
        let received = 0;
        for await (const chunk of response.body) received += (chunk as Buffer).length;
        const done = performance.now();
        if (response.statusCode !== 200) fail(`${url}: HTTP ${response.statusCode}`);
        else if (done >= windowStart && done < windowEnd) {
          requests += 1;
          bytes += received;
          latencies.push(done - sent);
        }
      } catch (error) {
        fail(`${url}: ${String(error)}`);
      }
    }
  };

  await Promise.all([refresher(), ...Array.from({ length: job.clients }, (_, index) => client(index))]);
  clearTimeout(windowTimer);
  const cpu = process.cpuUsage(cpuAtWindow);
  await Promise.all([agent.close(), listAgent.close()]);
  return {
    requests,
    bytes,
    errors,
    firstError,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencyMaxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
    windowMs: job.durationMs,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    connectionsOpened,
  };
}

/** Messages between the bench process and a forked load generator. */
export type LoadMessage = { type: 'window' } | { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

// Run as a child process (fork): one job per message, answers on the IPC channel.
if (process.send !== undefined && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const send = (message: LoadMessage) => process.send!(message);
  process.on('message', (job: LoadJob) => {
    generateLoad(job, () => send({ type: 'window' })).then(
      (result) => send({ type: 'result', result }),
      (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
