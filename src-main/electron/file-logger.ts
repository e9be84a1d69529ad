import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createLineLogger, type Logger } from '../core/logger.js';

/** The desktop app's log: `hls-relay.log` in `dir`, appended to, info and above. */
export function createFileLogger(dir: string): Logger & { close(): void } {
  mkdirSync(dir, { recursive: true });
  const stream = createWriteStream(path.join(dir, 'hls-relay.log'), { flags: 'a' });
  // A full disk must not take the relay down with it.
  stream.on('error', () => {});
  return { ...createLineLogger('info', (line) => stream.write(`${line}\n`)), close: () => stream.end() };
}
