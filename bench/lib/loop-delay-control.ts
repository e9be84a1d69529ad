import { spawn } from 'node:child_process';

/** Event-loop delay of an idle Node process, ms (includes the 10 ms sampling interval, like ours). */
export interface ControlDelay {
  maxMs: number;
  p99Ms: number;
}

export interface LoopDelayControl {
  stop(): Promise<ControlDelay | null>;
}

// The child does nothing but sample its own event loop until its stdin closes.
const CONTROL_SCRIPT = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.stdin.resume();
process.stdin.on('end', () => {
  h.disable();
  process.stdout.write(JSON.stringify({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 }));
  process.exit(0);
});
`;

/**
 * An idle Node process measuring its own event-loop delay alongside a soak: what the machine's scheduling
 * alone costs, so a long delay in the soak can be told apart from a machine busy with other work.
 */
export function startLoopDelayControl(): LoopDelayControl {
  const child = spawn(process.execPath, ['-e', CONTROL_SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.on('error', () => {});
  return {
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      try {
        return JSON.parse(output) as ControlDelay;
      } catch {
        return null;
      }
    },
  };
}
