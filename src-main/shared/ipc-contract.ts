import type { ErrorInfo } from './error-codes.js';
import type { RelayClient } from './relay-client.js';

/**
 * The desktop IPC contract: one channel per RelayClient method, the push channel for live updates, and the
 * request/response maps derived from RelayClient so the preload, the handlers and the window cannot drift.
 */

/** `window.hlsRelay`: where the preload puts the RelayClient for the window. */
export const BRIDGE_KEY = 'hlsRelay';

/** RelayClient methods that are one request and one answer (everything but the capabilities and the feed). */
export type IpcMethod = Exclude<keyof RelayClient, 'capabilities' | 'subscribe'>;

/** Argument tuple of each method, exactly as RelayClient declares it. */
export type IpcRequestMap = { [M in IpcMethod]: Parameters<RelayClient[M]> };

/** What each method resolves to. */
export type IpcResponseMap = { [M in IpcMethod]: Awaited<ReturnType<RelayClient[M]>> };

export const IPC_CHANNELS = {
  overview: 'relay:overview',
  timeline: 'relay:timeline',
  switchSource: 'relay:switch',
  addChannel: 'relay:add-channel',
  updateChannel: 'relay:update-channel',
  removeChannel: 'relay:remove-channel',
  moveChannel: 'relay:move-channel',
  importM3u: 'relay:import',
  settings: 'relay:settings',
  updateSettings: 'relay:update-settings',
  openInVlc: 'relay:open-in-vlc',
} as const satisfies { [M in IpcMethod]: `relay:${string}` };

/** The allowlist the preload builds its client from and the main process registers handlers for. */
export const IPC_METHODS = Object.keys(IPC_CHANNELS) as IpcMethod[];

/** Asks the main process to start pushing updates to the calling window; the first push is a full 'channels'. */
export const IPC_SUBSCRIBE_CHANNEL = 'relay:subscribe';

/** Main → window: one RelayUpdate per message, coalesced to at most 4 per second per channel. */
export const IPC_UPDATE_CHANNEL = 'relay:update';

/**
 * What every invoke answers. Electron keeps only the message of an Error thrown in a handler, so failures
 * travel as data and the preload turns them into a rejection with a plain `{ code, message }`.
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
