import type { RelayClient } from '../../src-main/shared/relay-client.js';
import { createHttpClient } from './http-client.js';

export interface HttpHooks {
  onUnauthorized: () => void;
  onReconnecting: (reconnecting: boolean) => void;
}

/**
 * How the window reaches the relay. The desktop app's preload bridge is ready to use; a browser needs the
 * control API's token first.
 */
export type Transport =
  | { kind: 'bridge'; client: RelayClient }
  | { kind: 'http'; connect(token: string, hooks: HttpHooks): RelayClient };

/** The only place that knows the transports: the preload bridge when present, else the page's own origin. */
export function pickTransport(win: Window): Transport {
  const bridge = win.hlsRelay;
  if (bridge) return { kind: 'bridge', client: bridge };
  const baseUrl = win.location.origin;
  return {
    kind: 'http',
    connect: (token, hooks) => createHttpClient({ baseUrl, token, ...hooks }),
  };
}
