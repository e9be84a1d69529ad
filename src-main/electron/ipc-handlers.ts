import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { toErrorInfo } from '../core/errors.js';
import type { Relay } from '../core/relay/relay.js';
import type { Logger } from '../core/logger.js';
import {
  IPC_CHANNELS,
  IPC_METHODS,
  IPC_SUBSCRIBE_CHANNEL,
  IPC_UPDATE_CHANNEL,
  type IpcResult,
} from '../shared/ipc-contract.js';
import { createIpcDispatch, type ShellOperations } from './ipc-dispatch.js';
import { createUpdateCoalescer } from './update-coalescer.js';
import { isTrustedSender, type RendererLocation } from './window-policy.js';

export interface IpcDeps {
  relay: Relay;
  shell: ShellOperations;
  /** The window, when there is one. */
  window(): BrowserWindow | null;
  location: RendererLocation;
  logger: Logger;
}

const UNTRUSTED: IpcResult<never> = {
  ok: false,
  error: { code: 'forbidden-origin', message: 'IPC is only answered for the HLS Relay window' },
};

/**
 * Answers the window's RelayClient calls and pushes live updates to it (coalesced, ≤ 4 Hz per channel).
 * Every request is checked for its sender frame, then its arguments, in the main process.
 */
export function setupIpc(deps: IpcDeps): { destroy(): void } {
  const dispatch = createIpcDispatch(deps.relay, deps.shell);

  const isTrusted = (event: IpcMainInvokeEvent): boolean => {
    const window = deps.window();
    const frame = event.senderFrame;
    const trusted = isTrustedSender(
      {
        fromOurWindow: window !== null && !window.isDestroyed() && event.sender === window.webContents,
        isMainFrame: frame !== null && frame.parent === null,
        url: frame?.url ?? null,
      },
      deps.location,
    );
    if (!trusted) deps.logger.warn('IPC refused: unexpected sender', { url: frame?.url ?? null });
    return trusted;
  };

  for (const method of IPC_METHODS) {
    ipcMain.handle(IPC_CHANNELS[method], (event, ...values: unknown[]) =>
      isTrusted(event) ? dispatch(method, values) : UNTRUSTED,
    );
  }

  const coalescer = createUpdateCoalescer((update) => {
    const window = deps.window();
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) {
      window.webContents.send(IPC_UPDATE_CHANNEL, update);
    }
  });
  const unsubscribe = deps.relay.subscribe((update) => coalescer.push(update));

  // The first push after a subscribe is the whole list, like the first server-sent event of the HTTP API.
  ipcMain.handle(IPC_SUBSCRIBE_CHANNEL, async (event): Promise<IpcResult<null>> => {
    if (!isTrusted(event)) return UNTRUSTED;
    try {
      const { channels } = await deps.relay.overview();
      coalescer.push({ type: 'channels', channels });
      return { ok: true, value: null };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  });

  return {
    destroy() {
      unsubscribe();
      coalescer.destroy();
      for (const method of IPC_METHODS) ipcMain.removeHandler(IPC_CHANNELS[method]);
      ipcMain.removeHandler(IPC_SUBSCRIBE_CHANNEL);
    },
  };
}
