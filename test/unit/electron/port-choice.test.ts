import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FIRST_RUN_PORT, choosePort, isPortFree, portCandidates } from '../../../src-main/electron/port-choice.js';
import { listenOnSavedPort, serverInfoFor, webUiLinkFor } from '../../../src-main/electron/start-server.js';
import type { ListenOptions, RelayServer } from '../../../src-main/core/server/listen.js';
import { holdPort } from './held-port.js';

/** A plain http listen with the engine's contract (the real one is the lead's; the port logic is ours). */
function plainListen(handler: Parameters<typeof createServer>[1], options: ListenOptions): Promise<RelayServer> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer(handler);
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({ host: options.host, port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('portCandidates', () => {
  it('counts up from the start, never past 65535', () => {
    expect(portCandidates(5000, 3)).toEqual([5000, 5001, 5002]);
    expect(portCandidates(65_534, 5)).toEqual([65_534, 65_535]);
  });
});

describe('choosePort (real sockets)', () => {
  it('starts at 5000 by default', () => {
    expect(FIRST_RUN_PORT).toBe(5000);
  });

  it('skips a port that is taken and picks the next free one', async () => {
    const held = await holdPort();
    try {
      expect(await isPortFree(held.port, '127.0.0.1')).toBe(false);
      const chosen = await choosePort({ startPort: held.port });
      expect(chosen).toBeGreaterThan(held.port);
      expect(await isPortFree(chosen, '127.0.0.1')).toBe(true);
    } finally {
      await held.release();
    }
  });

  it('keeps the start port when it is free', async () => {
    const held = await holdPort();
    await held.release();
    expect(await choosePort({ startPort: held.port })).toBe(held.port);
  });

  it('gives up after the given number of attempts', async () => {
    const held = await holdPort();
    try {
      await expect(choosePort({ startPort: held.port, attempts: 1 })).rejects.toThrow(/No free port/);
    } finally {
      await held.release();
    }
  });
});

describe('listenOnSavedPort (real sockets)', () => {
  const handler = (_request: unknown, response: { end(): void }) => response.end();

  it('listens on the saved port when it is free', async () => {
    const held = await holdPort();
    await held.release();
    const { server, movedFrom } = await listenOnSavedPort(handler, { host: '127.0.0.1', port: held.port }, { listen: plainListen });
    try {
      expect(server.port).toBe(held.port);
      expect(movedFrom).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('moves to the next free port for this session when the saved one is taken', async () => {
    const held = await holdPort();
    try {
      const { server, movedFrom } = await listenOnSavedPort(handler, { host: '127.0.0.1', port: held.port }, { listen: plainListen });
      try {
        expect(movedFrom).toBe(held.port);
        expect(server.port).toBeGreaterThan(held.port);
        const response = await fetch(`http://127.0.0.1:${server.port}/`);
        expect(response.status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await held.release();
    }
  });

  it('rethrows a failure that is not a taken port', async () => {
    const failing = () => Promise.reject(new Error('EACCES'));
    const held = await holdPort();
    await held.release();
    await expect(listenOnSavedPort(handler, { host: '127.0.0.1', port: held.port }, { listen: failing })).rejects.toThrow('EACCES');
  });
});

describe('server URLs', () => {
  it('gives players on this machine loopback URLs', () => {
    expect(serverInfoFor(5001, '0.1.0')).toEqual({
      baseUrl: 'http://127.0.0.1:5001',
      playlistUrl: 'http://127.0.0.1:5001/channels.m3u',
      version: '0.1.0',
    });
  });

  it('links other devices to the web UI on the first LAN address, token in the fragment', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: 'fe80::1', family: 'IPv6', internal: false },
        { address: '192.168.1.20', family: 'IPv4', internal: false },
      ],
    } as unknown as Parameters<typeof webUiLinkFor>[1];
    expect(webUiLinkFor({ lan: true, port: 5000, token: 'a-b_c' }, interfaces)).toBe('http://192.168.1.20:5000/ui/#token=a-b_c');
    expect(webUiLinkFor({ lan: false, port: 5000, token: 'a-b_c' }, interfaces)).toBeNull();
    expect(webUiLinkFor({ lan: true, port: 5000, token: 'x' }, { lo: interfaces.lo })).toBeNull();
  });
});
