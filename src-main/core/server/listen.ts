import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { RelayError } from '../errors.js';
import type { RelayRequestHandler } from './create-relay-handler.js';

export interface ListenOptions {
  host: string;
  port: number;
}

export interface RelayServer {
  host: string;
  port: number;
  /** Stops accepting, ends open responses (continuous TS, event streams) and resolves when closed. */
  close(): Promise<void>;
}

/** Binds the handler; rejects with RelayError 'bad-request' naming --port when the port is taken. */
export async function listen(handler: RelayRequestHandler, options: ListenOptions): Promise<RelayServer> {
  const server = createServer(
    {
      // Slow clients (slowloris) must not hold sockets: headers within 10 s, a whole request within 60 s.
      headersTimeout: 10_000,
      requestTimeout: 60_000,
      keepAliveTimeout: 10_000,
      // Node checks those timeouts every 30 s by default: a slow client would hold a socket that long.
      connectionsCheckingInterval: 1000,
      maxHeaderSize: 16 * 1024,
    },
    handler,
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await bind(server, options);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function bind(server: Server, { host, port }: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new RelayError('bad-request', `Port ${port} is already in use on ${host}. Choose another one with --port.`, { cause: error }));
      } else if (error.code === 'EACCES') {
        reject(new RelayError('bad-request', `Not allowed to listen on port ${port}. Choose a port above 1024 with --port.`, { cause: error }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new RelayError('bad-request', `Cannot listen on ${host}: no such local address. Check --host.`, { cause: error }));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
