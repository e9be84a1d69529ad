import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { goal, type BenchContext, type Figure } from '../lib/figures.js';
import { benchChannel, startRelayStack } from '../lib/relay-stack.js';
import { fixed, max, median } from '../lib/stats.js';
import { waitUntilListing } from '../lib/watch-playlist.js';

const RATIO_GOAL = 1.2;
// ffmpeg exits 0 on HTTP errors and corrupt data: these lines in its stderr mean the run is not valid.
const ERROR_LINES = /HTTP error|Server returned|Packet corrupt|Error while decoding|corrupt decoded frame|Invalid data found|Failed to open segment/i;

type Path = 'direct' | 'warm' | 'idle';

/**
 * 7: wall time for `ffmpeg -v error -i URL -frames:v 1 -f null -` to decode the first video frame from the
 * origin directly, through a channel the relay is already playing (warm), and through an idle one.
 */
export async function measureFfmpegStart(context: BenchContext): Promise<Figure[]> {
  const probe = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore', timeout: 10_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    context.log('\n[7] SKIPPED: ffmpeg is not installed');
    return [{ id: '7', what: 'ffmpeg first frame', value: 'skipped: no ffmpeg' }];
  }
  const runs = context.quick ? 2 : 5;
  const stack = await startRelayStack({
    origin: { sources: ['a'] },
    channels: (url) => [benchChannel('warm', url, ['a']), ...Array.from({ length: runs }, (_, run) => benchChannel(`idle-${run}`, url, ['a']))],
  });
  context.log(`\n[7] ffmpeg first frame, ${runs} runs per path, paths interleaved`);
  const times: Record<Path, number[]> = { direct: [], warm: [], idle: [] };
  try {
    await waitUntilListing(stack, 'warm', 3);
    for (let run = 0; run < runs; run += 1) {
      const paths: Path[] = ['direct', 'warm', 'idle'];
      for (const path of [...paths.slice(run % 3), ...paths.slice(0, run % 3)]) {
        const url = path === 'direct' ? stack.origin.playlistUrl('a') : `${stack.baseUrl}/stream/${path === 'warm' ? 'warm' : `idle-${run}`}`;
        const ms = await firstFrameMs(url);
        times[path].push(ms);
        context.log(`  ${path.padEnd(6)} ${fixed(ms, 0)} ms`);
      }
    }
  } finally {
    await stack.close();
  }
  const direct = median(times.direct);
  const row = (path: Path, what: string): Figure => ({
    id: '7',
    what,
    value: `${fixed(median(times[path]), 0)} ms (max ${fixed(max(times[path]), 0)})`,
    baseline: `${fixed(direct, 0)} ms direct`,
    verdict: goal(median(times[path]) / direct <= RATIO_GOAL, `ratio ${fixed(median(times[path]) / direct, 2)} (≤ ${RATIO_GOAL})`),
  });
  return [row('warm', 'ffmpeg first frame, warm channel (median)'), row('idle', 'ffmpeg first frame, idle channel (median)')];
}

function firstFrameMs(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', url, '-frames:v', '1', '-f', 'null', '-'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const elapsed = performance.now() - started;
      if (code !== 0 || ERROR_LINES.test(stderr)) reject(new Error(`ffmpeg ${url} exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve(elapsed);
    });
  });
}
