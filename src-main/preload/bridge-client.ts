import type { ErrorInfo } from '../shared/error-codes.js';
import { isErrorCode } from '../shared/error-codes.js';
import {
  IPC_CHANNELS,
  IPC_METHODS,
  IPC_SUBSCRIBE_CHANNEL,
  IPC_UPDATE_CHANNEL,
  type IpcMethod,
  type IpcRequestMap,
  type IpcResponseMap,
} from '../shared/ipc-contract.js';
import type { RelayClient } from '../shared/relay-client.js';
import type { RelayUpdate } from '../shared/relay-types.js';

/** The two IPC primitives the client needs; the preload wraps ipcRenderer in them and exposes neither. */
export interface BridgeTransport {
  invoke(channel: string, ...values: unknown[]): Promise<unknown>;
  /** Calls `listener` with each message's payload only; returns the function that stops it. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

type Methods = { [M in IpcMethod]: (...args: IpcRequestMap[M]) => Promise<IpcResponseMap[M]> };

/**
 * The window's RelayClient over IPC, one method per contract channel. Methods reject with a plain
 * `{ code, message }` object: an Error crossing the context bridge keeps only its message.
 */
export function createBridgeClient(transport: BridgeTransport): RelayClient {
  const call =
    (method: IpcMethod) =>
    async (...values: unknown[]): Promise<unknown> => {
      let result: unknown;
      try {
        result = await transport.invoke(IPC_CHANNELS[method], ...values);
      } catch (error) {
        throw errorInfo('internal', error instanceof Error ? error.message : String(error));
      }
      if (isSuccess(result)) return result.value;
      throw isFailure(result) ? errorInfo(result.error.code, result.error.message) : errorInfo('internal', 'Malformed IPC answer');
    };
  const methods = Object.fromEntries(IPC_METHODS.map((method) => [method, call(method)])) as Methods;

  return {
    capabilities: { openInVlc: true },
    ...methods,
    subscribe(listener) {
      const stop = transport.on(IPC_UPDATE_CHANNEL, (payload) => listener(payload as RelayUpdate));
      // Asks the main process for a full 'channels' push; failure only delays the first update.
      transport.invoke(IPC_SUBSCRIBE_CHANNEL).catch(() => undefined);
      return stop;
    },
  };
}

function errorInfo(code: ErrorInfo['code'], message: string): ErrorInfo {
  return { code, message };
}

function isSuccess(value: unknown): value is { ok: true; value: unknown } {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === true;
}

function isFailure(value: unknown): value is { ok: false; error: ErrorInfo } {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, error } = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  return ok === false && isErrorCode(error?.code) && typeof error?.message === 'string';
}
