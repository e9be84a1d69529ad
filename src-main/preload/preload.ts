import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY } from '../shared/ipc-contract.js';
import { createBridgeClient } from './bridge-client.js';

// Only the RelayClient crosses into the page: never ipcRenderer, its events or process.
contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridgeClient({
    invoke: (channel, ...values) => ipcRenderer.invoke(channel, ...values),
    on(channel, listener) {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  }),
);
