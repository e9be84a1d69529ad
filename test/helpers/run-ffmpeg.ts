import { spawn } from 'node:child_process';

export interface FfmpegRun {
  code: number | null;
  stderr: string;
  /** Frames decoded, from -progress. */
  frames: number;
  /** Media time decoded (out_time), seconds. */
  mediaSeconds: number;
  wallSeconds: number;
}

/** Lines in ffmpeg's stderr that mean the player hit broken media or HTTP errors (it exits 0 anyway). */
export const FFMPEG_ERROR_PATTERNS = [/HTTP error/i, /Server returned/i, /Packet corrupt/i, /Error while decoding/i, /corrupt decoded frame/i, /Invalid data found/i, /Failed to open segment/i];

/** Decodes `url` for `seconds` of media to nowhere, as a player would, bounded by `timeoutMs`. */
export function runFfmpeg(url: string, options: { seconds: number; timeoutMs: number; inputArgs?: string[]; onStart?: () => void }): Promise<FfmpegRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'warning', ...(options.inputArgs ?? []), '-i', url, '-t', String(options.seconds), '-progress', 'pipe:1', '-f', 'null', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    options.onStart?.();
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = (key: string) => {
        const matches = [...stdout.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))];
        return matches.at(-1)?.[1] ?? '';
      };
      const outTimeUs = Number(last('out_time_us'));
      resolve({
        code,
        stderr,
        frames: Number(last('frame')) || 0,
        mediaSeconds: Number.isFinite(outTimeUs) ? outTimeUs / 1e6 : 0,
        wallSeconds: (Date.now() - started) / 1000,
      });
    });
  });
}
