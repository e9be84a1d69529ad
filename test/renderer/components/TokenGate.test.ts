import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayClient } from '../../../src-main/shared/relay-client.js';
import App from '../../../src-renderer/components/App.svelte';
import type { HttpHooks, Transport } from '../../../src-renderer/lib/api.js';
import { ClientError } from '../../../src-renderer/lib/client-error.js';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { session, TOKEN_REJECTED } from '../../../src-renderer/lib/session.svelte.js';
import { view } from '../../../src-renderer/lib/view-state.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';

const GOOD = 'good-token-123';
const STORAGE_KEY = 'hls-relay.token';

/** What the control API does with a token: the right one works, any other gets 401 (and the hook). */
function tokenCheckingTransport(): Transport & { tokens: string[] } {
  const tokens: string[] = [];
  return {
    kind: 'http',
    tokens,
    connect(token: string, hooks: HttpHooks): RelayClient {
      tokens.push(token);
      if (token === GOOD) return new FakeRelayClient();
      // Like the control API: the 401 arrives after the request went out, never synchronously.
      const refuse = async (): Promise<never> => {
        await Promise.resolve();
        hooks.onUnauthorized();
        throw new ClientError('unauthorized', 'bad token');
      };
      return Object.assign(new FakeRelayClient(), {
        overview: refuse,
        subscribe: () => {
          void refuse().catch(() => undefined);
          return () => undefined;
        },
      });
    },
  };
}

function start(transport: Transport): void {
  session.start(transport, { storage: window.localStorage, location: window.location, history: window.history });
}

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/ui/');
  view.reset();
});

afterEach(() => relay.use(null));

describe('the token gate (browser only)', () => {
  it('asks for the token first, then remembers it and shows the relay', async () => {
    const transport = tokenCheckingTransport();
    start(transport);
    render(App);

    const field = screen.getByLabelText('Access key');
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Paste the access key first.')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(transport.tokens).toEqual([]);

    await fireEvent.input(field, { target: { value: `  ${GOOD} ` } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(transport.tokens).toEqual([GOOD]);
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe(GOOD);
  });

  it('uses a saved token without asking', async () => {
    window.localStorage.setItem(STORAGE_KEY, GOOD);
    start(tokenCheckingTransport());
    render(App);
    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(screen.queryByLabelText('Access key')).toBeNull();
  });

  it('forgets a token the relay refuses and asks again, saying why', async () => {
    window.localStorage.setItem(STORAGE_KEY, 'old-token');
    const transport = tokenCheckingTransport();
    start(transport);
    render(App);

    expect(await screen.findByRole('alert')).toHaveProperty('textContent', TOKEN_REJECTED);
    expect(screen.getByLabelText('Access key')).toBeTruthy();
    expect(window.localStorage.getItem(STORAGE_KEY)).toBeNull();

    await fireEvent.input(screen.getByLabelText('Access key'), { target: { value: GOOD } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(screen.queryByText(TOKEN_REJECTED)).toBeNull();
  });

  it('takes the token from a #token= link and removes it from the address bar', async () => {
    window.history.replaceState(null, '', `/ui/#token=${GOOD}`);
    const transport = tokenCheckingTransport();
    start(transport);
    render(App);

    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(transport.tokens).toEqual([GOOD]);
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/ui/');
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe(GOOD);
  });

  it('never asks inside the desktop app', async () => {
    start({ kind: 'bridge', client: new FakeRelayClient({ openInVlc: true }) });
    render(App);
    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(screen.queryByLabelText('Access key')).toBeNull();
    expect(window.localStorage.getItem(STORAGE_KEY)).toBeNull();
  });
});
