import { spawn } from 'node:child_process';

/** One `-progress` report, stamped with the wall clock when it arrived. */
export interface ProgressSample {
  /** Milliseconds since ffmpeg was started. */
  atMs: number;
  /** Frames decoded so far. */
  frames: number;
  /** Output time (out_time), seconds; it follows the input's timestamps, so it jumps at a source change. */
  outSeconds: number;
}

export interface FfmpegRun {
  code: number | null;
  /** Whether the run was ended by `stopAfterMs` (ffmpeg then exits 255 after finishing cleanly). */
  stopped: boolean;
  stderr: string;
  /** Frames decoded, from -progress. */
  frames: number;
  /** Media time decoded (out_time), seconds. */
  mediaSeconds: number;
  wallSeconds: number;
  /** Every -progress report, oldest first. */
  samples: ProgressSample[];
}

export interface FfmpegOptions {
  /** Output seconds to decode (-t); without it ffmpeg reads until `stopAfterMs` or the end of the input. */
  seconds?: number;
  /** Hard limit: SIGKILL after this many ms. */
  timeoutMs: number;
  /** Wall-clock length of the run: SIGINT after this many ms, which ffmpeg answers by finishing cleanly. */
  stopAfterMs?: number;
  /** How often -progress reports (ffmpeg's -stats_period, default 0.5 s); smaller gives finer samples. */
  progressPeriodSeconds?: number;
  inputArgs?: string[];
  /** Where the decoded media goes; default `-f null -` (nowhere). */
  outputArgs?: string[];
  onStart?: () => void;
}

/** Lines in ffmpeg's stderr that mean the player hit broken media or HTTP errors (it exits 0 anyway). */
export const FFMPEG_ERROR_PATTERNS = [
  /HTTP error/i,
  /Server returned/i,
  /Packet corrupt/i,
  /Error while decoding/i,
  /corrupt decoded frame/i,
  /Invalid data found/i,
  /Failed to open segment/i,
  // The HLS demuxer fell out of the playlist window and jumped ahead: the viewer lost media.
  /skipping \d+ segments ahead/i,
];

/** Decodes `url` to nowhere as a player would, bounded by `timeoutMs`. */
export function runFfmpeg(url: string, options: FfmpegOptions): Promise<FfmpegRun> {
  const started = Date.now();
  const args = ['-hide_banner', '-nostdin', '-v', 'warning', ...(options.inputArgs ?? []), '-i', url];
  if (options.seconds !== undefined) args.push('-t', String(options.seconds));
  if (options.progressPeriodSeconds !== undefined) args.push('-stats_period', String(options.progressPeriodSeconds));
  args.push('-progress', 'pipe:1', ...(options.outputArgs ?? ['-f', 'null', '-']));
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const samples: ProgressSample[] = [];
    const current = { frames: 0, outSeconds: 0 };
    let partial = '';
    let stderr = '';
    let stopped = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [key, value = ''] = line.split('=', 2);
        if (key === 'frame') current.frames = Number(value) || 0;
        // out_time_us is N/A until the first frame is written.
        else if (key === 'out_time_us' && Number.isFinite(Number(value))) current.outSeconds = Number(value) / 1e6;
        else if (key === 'progress') samples.push({ atMs: Date.now() - started, ...current });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killTimer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const stopTimer =
      options.stopAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            stopped = true;
            child.kill('SIGINT');
          }, options.stopAfterMs);
    child.on('error', reject);
    options.onStart?.();
    child.on('close', (code) => {
      clearTimeout(killTimer);
      clearTimeout(stopTimer);
      const last = samples.at(-1);
      resolve({
        code,
        stopped,
        stderr,
        frames: last?.frames ?? 0,
        mediaSeconds: last?.outSeconds ?? 0,
        wallSeconds: (Date.now() - started) / 1000,
        samples,
      });
    });
  });
}
