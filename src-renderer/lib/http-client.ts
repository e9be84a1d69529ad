import type { ErrorCode } from '../../src-main/shared/error-codes.js';
import type { ImportReport, ImportRequest } from '../../src-main/shared/import-types.js';
import type { RelaySettings } from '../../src-main/shared/lineup-types.js';
import type {
  ChannelInput,
  ChannelPatch,
  Overview,
  RelayClient,
  SwitchOutcome,
  SwitchRequest,
} from '../../src-main/shared/relay-client.js';
import type { ChannelSnapshot, RelayUpdate, TimelineEvent } from '../../src-main/shared/relay-types.js';
import { ClientError, readErrorBody } from './client-error.js';
import { createSseParser } from './sse-parser.js';

export interface HttpClientOptions {
  /** Origin of the relay's HTTP server, e.g. http://127.0.0.1:5000 (no trailing slash needed). */
  baseUrl: string;
  /** The control API's bearer token. */
  token: string;
  fetch?: typeof fetch;
  /** The relay answered 401: the token is wrong or was changed. Called once per rejected request. */
  onUnauthorized?: () => void;
  /** The event stream was lost (true: reconnecting) or is receiving again (false). */
  onReconnecting?: (reconnecting: boolean) => void;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad-request',
  401: 'unauthorized',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

/** Milliseconds to wait before reconnecting the event stream after `attempt` failures in a row. */
export function reconnectDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 15_000);
}

/** A RelayClient over the control API (see the developers' guide); every failure rejects with a ClientError. */
export function createHttpClient(options: HttpClientOptions): RelayClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  const authorization = `Bearer ${options.token}`;

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      // fetch rejects only when nothing answered (relay stopped, wrong address).
      throw new ClientError('internal', `HLS Relay at ${base} did not answer.`);
    }
  }

  async function failure(response: Response): Promise<ClientError> {
    if (response.status === 401) options.onUnauthorized?.();
    const info = readErrorBody(await readJson(response));
    if (info) return new ClientError(info.code, info.message);
    return new ClientError(STATUS_CODES[response.status] ?? 'internal', `HTTP ${response.status}`);
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(method, path, body);
    if (!response.ok) throw await failure(response);
    if (response.status === 204) return undefined as T;
    return (await readJson(response)) as T;
  }

  const channelPath = (id: string): string => `/api/channels/${encodeURIComponent(id)}`;

  return {
    capabilities: { openInVlc: false },
    overview: () => call<Overview>('GET', '/api/overview'),
    async timeline(channelId) {
      const body = await call<{ events: TimelineEvent[] }>('GET', `${channelPath(channelId)}/timeline`);
      return body.events;
    },
    async switchSource(channelId: string, request: SwitchRequest) {
      const response = await send('POST', `${channelPath(channelId)}/switch`, request);
      // 502 carries a SwitchOutcome: the switch failed and the channel stayed on its source.
      if (response.ok || response.status === 502) {
        const outcome = (await readJson(response)) as SwitchOutcome | null;
        if (outcome && typeof outcome === 'object' && 'ok' in outcome) return outcome;
      }
      throw await failure(response);
    },
    addChannel: (input: ChannelInput) => call<ChannelSnapshot>('POST', '/api/channels', input),
    updateChannel: (channelId: string, patch: ChannelPatch) => call<ChannelSnapshot>('PATCH', channelPath(channelId), patch),
    removeChannel: (channelId) => call<void>('DELETE', channelPath(channelId)),
    moveChannel: (channelId, toIndex) => call<void>('POST', `${channelPath(channelId)}/move`, { toIndex }),
    importM3u: (request: ImportRequest) => call<ImportReport>('POST', '/api/import', request),
    settings: () => call<RelaySettings>('GET', '/api/settings'),
    updateSettings: (patch: Partial<RelaySettings>) => call<RelaySettings>('PATCH', '/api/settings', patch),
    openInVlc: () => Promise.reject(new ClientError('method-not-allowed', 'Opening VLC needs the desktop app.')),
    subscribe(listener) {
      const controller = new AbortController();
      void followEvents(controller.signal, listener);
      return () => controller.abort();
    },
  };

  async function followEvents(signal: AbortSignal, listener: (update: RelayUpdate) => void): Promise<void> {
    let attempt = 0;
    let reconnecting = false;
    const setReconnecting = (value: boolean): void => {
      if (value === reconnecting) return;
      reconnecting = value;
      options.onReconnecting?.(value);
    };
    while (!signal.aborted) {
      try {
        const response = await doFetch(`${base}/api/events`, {
          headers: { authorization, accept: 'text/event-stream' },
          signal,
        });
        if (response.status === 401) {
          options.onUnauthorized?.();
          return;
        }
        if (response.ok && response.body) {
          await readEvents(response.body, signal, (update) => {
            attempt = 0;
            setReconnecting(false);
            listener(update);
          });
        } else {
          await response.body?.cancel();
        }
      } catch {
        // A dropped connection or an abort; the loop below decides whether to try again.
      }
      if (signal.aborted) return;
      setReconnecting(true);
      await sleep(reconnectDelay(attempt), signal);
      attempt += 1;
    }
  }
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onUpdate: (update: RelayUpdate) => void,
): Promise<void> {
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  const parser = createSseParser((data) => {
    let update: RelayUpdate;
    try {
      update = JSON.parse(data) as RelayUpdate;
    } catch {
      return; // one garbled message must not end the stream
    }
    onUpdate(update);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
