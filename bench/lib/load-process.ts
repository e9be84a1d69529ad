import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadMessage, LoadResult } from './load-generator.js';

export interface LoadRun {
  result: LoadResult;
  /** CPU this (the server's) process used during the measuring window, ms. */
  serverCpuMs: number;
}

/** A load generator in its own process, so it does not share the server's event loop or core. */
export interface LoadProcess {
  run(job: LoadJob): Promise<LoadRun>;
  close(): Promise<void>;
}

export function startLoadProcess(): LoadProcess {
  const child: ChildProcess = fork(fileURLToPath(new URL('./load-generator.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    run(job) {
      return new Promise((resolve, reject) => {
        let cpuAtWindow = process.cpuUsage();
        const timer = setTimeout(() => finish(new Error('load generator did not answer')), job.warmupMs + job.durationMs + 60_000);
        const onExit = (code: number | null) => finish(new Error(`load generator exited with ${code}`));
        const onMessage = (message: LoadMessage) => {
          if (message.type === 'window') cpuAtWindow = process.cpuUsage();
          else if (message.type === 'error') finish(new Error(message.message));
          else {
            const cpu = process.cpuUsage(cpuAtWindow);
            finish(undefined, { result: message.result, serverCpuMs: (cpu.user + cpu.system) / 1000 });
          }
        };
        const finish = (error?: Error, run?: LoadRun) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve(run!);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(job);
      });
    },
    close() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      });
    },
  };
}
