import type { RelayClient } from '../../src-main/shared/relay-client.js';
import type { Transport } from './api.js';
import { relay } from './relay-store.svelte.js';
import { forgetToken, readSavedToken, saveToken, takeTokenFromAddress } from './token-store.js';

export interface SessionEnvironment {
  /** null where the browser refuses storage: the token then lasts until the page reloads. */
  storage: Storage | null;
  location: Location;
  history: History;
}

export const TOKEN_REJECTED =
  'HLS Relay did not accept this access key. It may have changed when HLS Relay restarted: enter the key it printed most recently.';

/**
 * Who the window talks to. In the desktop app that is settled at start; in a browser the control API's
 * token must be known first (typed in once, or taken from a `#token=` link) and a 401 asks for it again.
 */
class Session {
  /** null while the token gate is showing. */
  client = $state.raw<RelayClient | null>(null);
  /** 'http' in a browser: the token gate and the reconnect banner only exist there. */
  kind = $state<Transport['kind'] | null>(null);
  /** Why the token gate is showing again, in words. */
  notice = $state<string | null>(null);
  /** The live update stream dropped and is being re-established. */
  reconnecting = $state(false);

  #transport: Transport | null = null;
  #storage: Storage | null = null;

  /** Picks up the transport once at start; in a browser, uses a token from the address or a saved one. */
  start(transport: Transport, environment: SessionEnvironment): void {
    this.#transport = transport;
    this.kind = transport.kind;
    this.notice = null;
    this.reconnecting = false;
    if (transport.kind === 'bridge') {
      this.#setClient(transport.client);
      return;
    }
    this.#storage = environment.storage;
    const fromAddress = takeTokenFromAddress(environment.location, environment.history);
    if (fromAddress && this.#storage) saveToken(this.#storage, fromAddress);
    const token = fromAddress ?? (this.#storage ? readSavedToken(this.#storage) : null);
    this.#setClient(token ? this.#connect(token) : null);
  }

  /** The token a user typed into the gate. */
  submitToken(token: string): void {
    const trimmed = token.trim();
    if (!trimmed || this.#transport?.kind !== 'http') return;
    if (this.#storage) saveToken(this.#storage, trimmed);
    this.notice = null;
    this.#setClient(this.#connect(trimmed));
  }

  #connect(token: string): RelayClient | null {
    const transport = this.#transport;
    if (transport?.kind !== 'http') return null;
    const client: RelayClient = transport.connect(token, {
      onUnauthorized: () => {
        // Several requests may be refused at once; only the current client's first one counts.
        if (this.client !== client) return;
        if (this.#storage) forgetToken(this.#storage);
        this.notice = TOKEN_REJECTED;
        this.#setClient(null);
      },
      onReconnecting: (reconnecting) => {
        if (this.client === client) this.reconnecting = reconnecting;
      },
    });
    return client;
  }

  #setClient(client: RelayClient | null): void {
    this.client = client;
    this.reconnecting = false;
    relay.use(client);
  }
}

export const session = new Session();
