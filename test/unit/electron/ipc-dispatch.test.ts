import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../src-main/core/errors.js';
import { createIpcDispatch } from '../../../src-main/electron/ipc-dispatch.js';
import { createBridgeClient, type BridgeTransport } from '../../../src-main/preload/bridge-client.js';
import {
  IPC_CHANNELS,
  IPC_METHODS,
  IPC_SUBSCRIBE_CHANNEL,
  IPC_UPDATE_CHANNEL,
  type IpcMethod,
} from '../../../src-main/shared/ipc-contract.js';
import { DEFAULT_SETTINGS } from '../../../src-main/shared/lineup-types.js';
import type { RelayOperations } from '../../../src-main/shared/relay-client.js';
import type { RelayUpdate } from '../../../src-main/shared/relay-types.js';
import { SERVER, channel } from './snapshot-fixtures.js';

/** An engine stand-in that records calls; `removeChannel` of an unknown id fails like the engine does. */
function recordingRelay() {
  const calls: unknown[][] = [];
  const listeners = new Set<(update: RelayUpdate) => void>();
  const relay: RelayOperations = {
    async overview() {
      calls.push(['overview']);
      return { server: SERVER, channels: [channel('news')] };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async timeline(id) {
      calls.push(['timeline', id]);
      return [{ at: 1, kind: 'start', message: 'Started' }];
    },
    async switchSource(id, request) {
      calls.push(['switchSource', id, request]);
      return { ok: false, code: 'switch-failed', message: 'Source B answered 404', channel: channel(id) };
    },
    async addChannel(input) {
      calls.push(['addChannel', input]);
      return channel(input.id ?? 'new');
    },
    async updateChannel(id, patch) {
      calls.push(['updateChannel', id, patch]);
      return channel(id);
    },
    async removeChannel(id) {
      calls.push(['removeChannel', id]);
      if (id !== 'news') throw new RelayError('channel-not-found', `No channel ${id}`);
    },
    async moveChannel(id, toIndex) {
      calls.push(['moveChannel', id, toIndex]);
    },
    async importM3u(request) {
      calls.push(['importM3u', request]);
      return { entries: 1, channelsAdded: 1, channelsUpdated: 0, sourcesAdded: 1, skipped: [] };
    },
    async settings() {
      calls.push(['settings']);
      return DEFAULT_SETTINGS;
    },
    async updateSettings(patch) {
      calls.push(['updateSettings', patch]);
      throw new Error('disk full');
    },
  };
  return { relay, calls, emit: (update: RelayUpdate) => listeners.forEach((listener) => listener(update)) };
}

const METHOD_OF = new Map<string, IpcMethod>(Object.entries(IPC_CHANNELS).map(([method, channelName]) => [channelName, method as IpcMethod]));

/** Preload client ↔ main dispatch, with structured cloning in between as Electron's IPC does. */
function connect() {
  const engine = recordingRelay();
  const vlcOpened: string[] = [];
  const dispatch = createIpcDispatch(engine.relay, {
    async openInVlc(url) {
      vlcOpened.push(url);
    },
  });
  const updateListeners = new Set<(payload: unknown) => void>();
  const invoked: string[] = [];
  const transport: BridgeTransport = {
    async invoke(channelName, ...values) {
      invoked.push(channelName);
      if (channelName === IPC_SUBSCRIBE_CHANNEL) return { ok: true, value: null };
      const method = METHOD_OF.get(channelName);
      if (!method) throw new Error(`No handler registered for '${channelName}'`);
      return structuredClone(await dispatch(method, structuredClone(values)));
    },
    on(channelName, listener) {
      expect(channelName).toBe(IPC_UPDATE_CHANNEL);
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
  };
  const push = (update: RelayUpdate) => updateListeners.forEach((listener) => listener(structuredClone(update)));
  return { client: createBridgeClient(transport), engine, vlcOpened, invoked, push, listenerCount: () => updateListeners.size };
}

describe('IPC contract', () => {
  it('has one relay: channel per RelayClient method, all distinct', () => {
    expect([...IPC_METHODS].sort()).toEqual(
      ['addChannel', 'importM3u', 'moveChannel', 'openInVlc', 'overview', 'removeChannel', 'settings', 'switchSource', 'timeline', 'updateChannel', 'updateSettings'].sort(),
    );
    const names = Object.values(IPC_CHANNELS);
    expect(new Set([...names, IPC_SUBSCRIBE_CHANNEL, IPC_UPDATE_CHANNEL]).size).toBe(names.length + 2);
    for (const name of names) expect(name).toMatch(/^relay:[a-z-]+$/);
  });
});

describe('bridge client over the IPC dispatch', () => {
  it('exposes exactly the RelayClient surface, with openInVlc available', () => {
    const { client } = connect();
    expect(Object.keys(client).sort()).toEqual([...IPC_METHODS, 'capabilities', 'subscribe'].sort());
    expect(client.capabilities).toEqual({ openInVlc: true });
  });

  it('passes validated arguments to the engine and answers its results', async () => {
    const { client, engine } = connect();
    await expect(client.overview()).resolves.toEqual({ server: SERVER, channels: [channel('news')] });
    await expect(client.timeline('news')).resolves.toHaveLength(1);
    await expect(client.moveChannel('news', 2)).resolves.toBeUndefined();
    await expect(client.addChannel({ name: 'Film', id: 'film', sources: [] })).resolves.toMatchObject({ id: 'film' });
    expect(engine.calls).toEqual([
      ['overview'],
      ['timeline', 'news'],
      ['moveChannel', 'news', 2],
      ['addChannel', { name: 'Film', id: 'film', sources: [] }],
    ]);
  });

  it('resolves a failed switch as an outcome, not a rejection (like the 502 of the HTTP API)', async () => {
    const { client } = connect();
    await expect(client.switchSource('news', { target: { sourceId: 'b' } })).resolves.toMatchObject({ ok: false, code: 'switch-failed' });
  });

  it('rejects bad arguments with a plain { code, message } and never calls the engine', async () => {
    const { client, engine } = connect();
    const failure = await client.timeline('../../etc').catch((error: unknown) => error);
    expect(failure).toEqual({ code: 'bad-request', message: expect.stringContaining('channelId') });
    expect(Object.getPrototypeOf(failure)).toBe(Object.prototype);
    await expect(client.openInVlc('file:///etc/passwd')).rejects.toEqual({ code: 'invalid-url', message: expect.any(String) });
    expect(engine.calls).toEqual([]);
  });

  it('forwards engine errors with their code, and unknown errors as internal', async () => {
    const { client } = connect();
    await expect(client.removeChannel('gone')).rejects.toEqual({ code: 'channel-not-found', message: 'No channel gone' });
    await expect(client.updateSettings({ lan: true })).rejects.toEqual({ code: 'internal', message: 'disk full' });
  });

  it('opens VLC through the shell', async () => {
    const { client, vlcOpened } = connect();
    await client.openInVlc('http://127.0.0.1:5000/stream/news');
    expect(vlcOpened).toEqual(['http://127.0.0.1:5000/stream/news']);
  });

  it('delivers update payloads to subscribers until they unsubscribe, asking for a full list first', () => {
    const { client, push, invoked, listenerCount } = connect();
    const received: RelayUpdate[] = [];
    const stop = client.subscribe((update) => received.push(update));
    expect(invoked).toEqual([IPC_SUBSCRIBE_CHANNEL]);
    push({ type: 'channel-removed', id: 'news' });
    stop();
    push({ type: 'channel-removed', id: 'sport' });
    expect(received).toEqual([{ type: 'channel-removed', id: 'news' }]);
    expect(listenerCount()).toBe(0);
  });

  it('turns a transport failure into an internal error', async () => {
    const client = createBridgeClient({
      invoke: async () => {
        throw new Error("No handler registered for 'relay:overview'");
      },
      on: () => () => {},
    });
    await expect(client.overview()).rejects.toEqual({ code: 'internal', message: "No handler registered for 'relay:overview'" });
    const malformed = createBridgeClient({ invoke: async () => ({ ok: false, error: { code: 'made-up', message: 1 } }), on: () => () => {} });
    await expect(malformed.settings()).rejects.toEqual({ code: 'internal', message: 'Malformed IPC answer' });
  });
});
