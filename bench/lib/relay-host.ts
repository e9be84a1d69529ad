import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Lineup } from '../../src-main/shared/lineup-types.js';
import { serveRelay, type ServedRelay } from './relay-stack.js';

/** Memory after a full GC, CPU used so far, and open handles of the relay's process. */
export interface ResourceSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** process.cpuUsage() user + system, ms since the process started, read before the forced GC… */
  cpuMs: number;
  /** …and after it, so a CPU window between two samples leaves the sampling's own GC out. */
  cpuAfterGcMs: number;
  handles: number;
}

type HostRequest = { type: 'start'; lineup: Lineup } | { type: 'sample' } | { type: 'stop' };
type HostReply = { type: 'ready'; baseUrl: string } | { type: 'sample'; sample: ResourceSample } | { type: 'stopped' } | { type: 'error'; message: string };

/** A relay alone in its own process (no origin, no players), so its memory and CPU can be read apart. */
export interface RelayHost {
  baseUrl: string;
  sample(): Promise<ResourceSample>;
  stop(): Promise<void>;
}

export async function startRelayHost(lineup: Lineup): Promise<RelayHost> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T extends HostReply['type']>(request: HostRequest, expected: T) =>
    new Promise<Extract<HostReply, { type: T }>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`relay host exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (reply: HostReply) => {
        child.off('exit', onExit);
        if (reply.type === expected) resolve(reply as Extract<HostReply, { type: T }>);
        else reject(new Error(reply.type === 'error' ? reply.message : `relay host answered ${reply.type}`));
      });
      child.send(request);
    });
  const { baseUrl } = await ask({ type: 'start', lineup }, 'ready');
  return {
    baseUrl,
    sample: async () => (await ask({ type: 'sample' }, 'sample')).sample,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'stop' }, 'stopped');
      await exited;
    },
  };
}

function sampleResources(): ResourceSample {
  const cpuMs = cpuMsNow();
  // --expose-gc at run time: the flag takes effect for contexts created afterwards.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const memory = process.memoryUsage();
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    cpuMs,
    cpuAfterGcMs: cpuMsNow(),
    handles: process.getActiveResourcesInfo().length,
  };
}

function cpuMsNow(): number {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
}

if (process.send !== undefined && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let served: ServedRelay | undefined;
  const send = (reply: HostReply) => process.send!(reply);
  process.on('message', (request: HostRequest) => {
    const answer = async (): Promise<HostReply | null> => {
      switch (request.type) {
        case 'start':
          served = await serveRelay({ lineup: request.lineup });
          return { type: 'ready', baseUrl: served.baseUrl };
        case 'sample':
          return { type: 'sample', sample: sampleResources() };
        case 'stop':
          await served?.close();
          // Without the IPC channel nothing keeps the process alive: it exits once the relay is closed.
          send({ type: 'stopped' });
          process.disconnect();
          return null;
      }
    };
    answer().then(
      (reply) => reply && send(reply),
      (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
