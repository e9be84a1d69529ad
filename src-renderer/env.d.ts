import type { RelayClient } from '../src-main/shared/relay-client.js';

declare global {
  interface Window {
    /** Set by the Electron preload bridge; absent in a browser. */
    hlsRelay?: RelayClient;
  }
}

export {};
