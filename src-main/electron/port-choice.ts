import { createServer } from 'node:net';

/** Where the first run starts looking: the reference program's port, familiar to its users. */
export const FIRST_RUN_PORT = 5000;

export interface ChoosePortOptions {
  startPort?: number;
  /** The address the relay will listen on (a port may be free on 127.0.0.1 but not on 0.0.0.0). */
  host?: string;
  /** How many consecutive ports to try. */
  attempts?: number;
}

/** The ports tried in order: `start`, `start + 1`, … never past 65535. */
export function portCandidates(start: number, attempts: number): number[] {
  const last = Math.min(65_535, start + attempts - 1);
  return Array.from({ length: Math.max(0, last - start + 1) }, (_, index) => start + index);
}

/** Resolves true when `port` can be bound on `host` right now (the probe is closed again at once). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The first free port from `startPort` (5000) upwards, chosen once on the first run and then kept so the
 * URL given to VLC stays the same. Rejects when none of `attempts` ports is free.
 */
export async function choosePort(options: ChoosePortOptions = {}): Promise<number> {
  const { startPort = FIRST_RUN_PORT, host = '127.0.0.1', attempts = 50 } = options;
  for (const port of portCandidates(startPort, attempts)) {
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`No free port between ${startPort} and ${startPort + attempts - 1}`);
}
