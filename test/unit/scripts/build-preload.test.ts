import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNELS, IPC_METHODS, IPC_SUBSCRIBE_CHANNEL, IPC_UPDATE_CHANNEL } from '../../../src-main/shared/ipc-contract.js';
import type { RelayClient } from '../../../src-main/shared/relay-client.js';

const root = path.resolve(import.meta.dirname, '../../..');
let outDir: string;
let bundle: string;

beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), 'hls-relay-preload-'));
  const outfile = path.join(outDir, 'preload.cjs');
  const { status, stderr } = spawnSync(process.execPath, [path.join(root, 'scripts/build-preload.mjs'), '--outfile', outfile], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  bundle = readFileSync(outfile, 'utf8');
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs the bundle as a sandboxed preload would: CommonJS with a `require` that only knows 'electron'. */
function runPreload() {
  const exposed = new Map<string, unknown>();
  const sent: unknown[][] = [];
  const handlers = new Map<string, ((event: unknown, payload: unknown) => void)[]>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...values: unknown[]) => {
        sent.push([channel, ...values]);
        return { ok: true, value: channel };
      },
      on: (channel: string, handler: (event: unknown, payload: unknown) => void) => handlers.set(channel, [...(handlers.get(channel) ?? []), handler]),
      removeListener: (channel: string, handler: unknown) => handlers.set(channel, (handlers.get(channel) ?? []).filter((h) => h !== handler)),
    },
  };
  const required: string[] = [];
  const module = { exports: {} };
  runInNewContext(bundle, {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
  });
  return { exposed, sent, handlers, required, electron };
}

describe('scripts/build-preload.mjs', () => {
  it('emits one CommonJS file that requires nothing but electron', () => {
    expect(bundle.startsWith('"use strict";')).toBe(true);
    expect(bundle).not.toMatch(/^\s*(import|export)\s/m);
    const requires = [...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('exposes only window.hlsRelay: the RelayClient, without ipcRenderer or process', () => {
    const { exposed, required, electron } = runPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['hlsRelay']);
    const client = exposed.get('hlsRelay') as RelayClient;
    expect(Object.keys(client).sort()).toEqual([...IPC_METHODS, 'capabilities', 'subscribe'].sort());
    for (const value of Object.values(client)) {
      expect([electron, electron.ipcRenderer, electron.contextBridge]).not.toContain(value);
    }
    expect(client.capabilities).toEqual({ openInVlc: true });
  });

  it('invokes the contract channel of each method and hands subscribers only the payload', async () => {
    const { exposed, sent, handlers } = runPreload();
    const client = exposed.get('hlsRelay') as RelayClient;
    await expect(client.switchSource('news', { target: { direction: 'next' } })).resolves.toBe(IPC_CHANNELS.switchSource);
    expect(sent).toEqual([[IPC_CHANNELS.switchSource, 'news', { target: { direction: 'next' } }]]);

    const received: unknown[] = [];
    const stop = client.subscribe((update) => received.push(update));
    expect(sent.at(-1)).toEqual([IPC_SUBSCRIBE_CHANNEL]);
    const event = { sender: 'ipcRenderer', senderFrame: 'frame' };
    for (const handler of handlers.get(IPC_UPDATE_CHANNEL) ?? []) handler(event, { type: 'channel-removed', id: 'news' });
    stop();
    expect(handlers.get(IPC_UPDATE_CHANNEL)).toEqual([]);
    expect(received).toEqual([{ type: 'channel-removed', id: 'news' }]);
  });
});
