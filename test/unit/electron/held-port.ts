import { createServer } from 'node:net';

/** Binds an ephemeral port on 127.0.0.1 and keeps it until released: a port known to be taken. */
export async function holdPort(host = '127.0.0.1'): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
