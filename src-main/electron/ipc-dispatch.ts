import { toErrorInfo } from '../core/errors.js';
import type { IpcMethod, IpcRequestMap, IpcResponseMap, IpcResult } from '../shared/ipc-contract.js';
import type { RelayOperations } from '../shared/relay-client.js';
import { validateIpcArguments } from './ipc-validation.js';

/** What the shell itself does for the window (the engine cannot start a player). */
export interface ShellOperations {
  openInVlc(url: string): Promise<void>;
}

type Operations = { [M in IpcMethod]: (...args: IpcRequestMap[M]) => Promise<IpcResponseMap[M]> };

export type IpcDispatch = (method: IpcMethod, values: unknown) => Promise<IpcResult<unknown>>;

/**
 * Runs one IPC request: validates the arguments, calls the engine (or the shell) and answers with an
 * IpcResult. Never rejects: every failure, bad input included, becomes `{ ok: false, error: { code, message } }`.
 */
export function createIpcDispatch(relay: RelayOperations, shellOperations: ShellOperations): IpcDispatch {
  const operations: Operations = {
    overview: () => relay.overview(),
    timeline: (channelId) => relay.timeline(channelId),
    switchSource: (channelId, request) => relay.switchSource(channelId, request),
    addChannel: (input) => relay.addChannel(input),
    updateChannel: (channelId, patch) => relay.updateChannel(channelId, patch),
    removeChannel: (channelId) => relay.removeChannel(channelId),
    moveChannel: (channelId, toIndex) => relay.moveChannel(channelId, toIndex),
    importM3u: (request) => relay.importM3u(request),
    settings: () => relay.settings(),
    updateSettings: (patch) => relay.updateSettings(patch),
    openInVlc: (url) => shellOperations.openInVlc(url),
  };
  return async (method, values) => {
    try {
      const operation = operations[method] as (...args: unknown[]) => Promise<unknown>;
      const value = await operation(...validateIpcArguments(method, values));
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  };
}
