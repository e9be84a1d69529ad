import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './system-tool.js';

/** VLC refuses to run as root: as root it is started as this unprivileged user. */
const VLC_USER = 'nobody';
const STATS_END = 'end of statistical info';

/** Whether cvlc can be run here (as the unprivileged user when the tests run as root). */
export function hasVlc(): boolean {
  const [command, args] = asVlcUser(['cvlc', '--version']);
  return requireTool(command, args, 'cvlc');
}

/** One line of VLC's -vv log, stamped with the wall clock (Date.now()) when it arrived. */
export interface VlcLogLine {
  at: number;
  text: string;
}

/** VLC's own playback counters (the rc interface's `stats`), read just before it was stopped. */
export interface VlcStats {
  demuxCorrupted: number;
  demuxDiscontinuities: number;
  videoDecoded: number;
  framesDisplayed: number;
  framesLost: number;
  audioDecoded: number;
  audioBuffersLost: number;
}

export interface VlcRun {
  code: number | null;
  startedAt: number;
  endedAt: number;
  log: VlcLogLine[];
  /** Null when VLC did not answer `stats` in time. */
  stats: VlcStats | null;
}

export interface VlcPlayer {
  /** Asks VLC for its statistics, quits it and resolves when it exited; later calls get the same run. */
  stop(): Promise<VlcRun>;
}

/**
 * Starts cvlc playing `url` with dummy outputs and a -vv log, like a user pointing VLC at the relay.
 * `timeout -s INT` ends it after `maxSeconds` of wall time (SIGKILL 5 s later) if stop() was not called.
 */
export async function startVlc(url: string, options: { maxSeconds: number }): Promise<VlcPlayer> {
  // VLC writes its config under HOME; the unprivileged user needs one it may write to.
  const home = await mkdtemp(join(tmpdir(), 'hls-relay-vlc-'));
  await chmod(home, 0o777);
  const vlcArgs = ['--intf', 'dummy', '--extraintf', 'rc', '--rc-fake-tty', '--vout', 'dummy', '--aout', 'dummy', '--no-media-library', '-vv', url];
  const [command, args] = asVlcUser(['timeout', '-s', 'INT', '-k', '5', String(options.maxSeconds), 'env', `HOME=${home}`, 'cvlc', ...vlcArgs]);
  const startedAt = Date.now();
  const log: VlcLogLine[] = [];
  let stdout = '';
  let partial = '';
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // VLC writes a line in several pieces: stamp whole lines only.
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    const at = Date.now();
    for (const text of lines) log.push({ at, text });
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // Writing to a VLC that already exited (it failed to start) must not crash the test run.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const waitFor = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  let stopped: Promise<VlcRun> | undefined;
  const stop = async (): Promise<VlcRun> => {
    child.stdin.write('stats\n');
    await waitFor(() => stdout.includes(STATS_END), 3000);
    child.stdin.end('quit\n');
    const code = await exited;
    if (partial !== '') log.push({ at: Date.now(), text: partial });
    await rm(home, { recursive: true, force: true });
    return { code, startedAt, endedAt: Date.now(), log, stats: parseStats(stdout) };
  };
  return { stop: () => (stopped ??= stop()) };
}

function asVlcUser(argv: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [argv[0]!, argv.slice(1)];
  return ['runuser', ['-u', VLC_USER, '--', ...argv]];
}

function parseStats(stdout: string): VlcStats | null {
  if (!stdout.includes(STATS_END)) return null;
  const field = (label: string) => Number(new RegExp(`\\| ${label}\\s*:\\s*(\\d+)`).exec(stdout)?.[1] ?? NaN);
  return {
    demuxCorrupted: field('demux corrupted'),
    demuxDiscontinuities: field('discontinuities'),
    videoDecoded: field('video decoded'),
    framesDisplayed: field('frames displayed'),
    framesLost: field('frames lost'),
    audioDecoded: field('audio decoded'),
    audioBuffersLost: field('buffers lost'),
  };
}
