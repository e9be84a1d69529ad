import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SwitchRequest, SwitchTarget } from '../../shared/relay-client.js';
import { RelayError } from '../errors.js';
import { ImportError } from '../lineup/apply-import.js';
import { parseChannelInput, parseChannelPatch } from '../lineup/parse-channel-input.js';
import type { Relay } from '../relay/relay.js';
import { parseSettingsPatch } from '../settings/parse-settings.js';
import type { GroupBy, ImportMode, ImportRequest } from '../../shared/import-types.js';
import { serveEventStream } from './event-stream.js';
import { readJsonBody } from './read-json-body.js';
import { checkJsonContentType } from './request-guard.js';
import { sendJson } from './respond.js';

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

type Params = { method: string; parts: string[]; request: IncomingMessage; response: ServerResponse };

/**
 * The control API (/api/…) and the reference's POST /change_stream/<id>. The caller has checked Host,
 * Origin and the token already.
 */
export async function handleControl(relay: Relay, { method, parts, request, response }: Params): Promise<void> {
  const body = async (max = MAX_JSON_BYTES) => {
    checkJsonContentType(request);
    return readJsonBody(request, max);
  };
  const [area, resource, channelId, action, ...rest] = parts;
  if (area === 'change_stream' && resource && parts.length === 2) {
    if (method !== 'POST') throw notAllowed();
    return changeStream(relay, resource, await body(), response);
  }
  if (area !== 'api' || rest.length > 0) throw notFound();
  if (resource === 'channels' && channelId !== undefined) return channelRoute(relay, method, channelId, action, body, response);
  if (channelId !== undefined) throw notFound();
  switch (`${method} ${resource ?? ''}`) {
    case 'GET overview':
      return sendJson(response, 200, await relay.overview());
    case 'GET channels':
      return sendJson(response, 200, { channels: (await relay.overview()).channels });
    case 'POST channels':
      return sendJson(response, 201, await relay.addChannel(parseChannelInput(await body())));
    case 'GET events':
      return serveEventStream(relay, response);
    case 'POST import':
      return importM3u(relay, await body(MAX_IMPORT_BYTES), response);
    case 'GET settings':
      return sendJson(response, 200, await relay.settings());
    case 'PATCH settings':
      return sendJson(response, 200, await relay.updateSettings(parseSettingsPatch(await body())));
  }
  throw ['overview', 'channels', 'events', 'import', 'settings'].includes(resource ?? '') ? notAllowed() : notFound();
}

async function channelRoute(
  relay: Relay,
  method: string,
  channelId: string,
  action: string | undefined,
  body: () => Promise<unknown>,
  response: ServerResponse,
): Promise<void> {
  switch (`${method} ${action ?? ''}`) {
    case 'GET ':
      return sendJson(response, 200, requireChannel(relay, channelId).snapshot());
    case 'PATCH ':
      return sendJson(response, 200, await relay.updateChannel(channelId, parseChannelPatch(await body())));
    case 'DELETE ':
      await relay.removeChannel(channelId);
      response.writeHead(204).end();
      return;
    case 'POST move': {
      const input = await body();
      const toIndex = typeof input === 'object' && input !== null ? (input as { toIndex?: unknown }).toIndex : undefined;
      if (!Number.isInteger(toIndex)) throw new RelayError('bad-request', 'toIndex must be a whole number');
      await relay.moveChannel(channelId, toIndex as number);
      response.writeHead(204).end();
      return;
    }
    case 'POST switch': {
      const outcome = await relay.switchSource(channelId, parseSwitchRequest(await body()));
      return sendJson(response, outcome.ok ? 200 : 502, outcome);
    }
    case 'GET timeline':
      return sendJson(response, 200, { events: await relay.timeline(channelId) });
  }
  throw action === undefined || ['move', 'switch', 'timeline'].includes(action) ? notAllowed() : notFound();
}

/** The reference's interface: `{"url": "…"}` in, `{message, channel, url}` out. */
async function changeStream(relay: Relay, channelId: string, input: unknown, response: ServerResponse): Promise<void> {
  if (!relay.channel(channelId)) return sendJson(response, 404, { error: 'Channel not found', code: 'channel-not-found' });
  const url = (input as { url?: unknown } | null)?.url;
  if (typeof url !== 'string' || url === '') return sendJson(response, 400, { error: 'No URL provided', code: 'bad-request' });
  const before = relay.channel(channelId)!.snapshot();
  const unchanged = before.sources.find((source) => source.id === before.activeSourceId)?.url === url;
  const outcome = await relay.switchSource(channelId, { target: { url }, pin: true });
  if (!outcome.ok) {
    return sendJson(response, outcome.code === 'invalid-url' ? 400 : 502, { error: outcome.message, code: outcome.code, channel: channelId, url });
  }
  sendJson(response, 200, { message: unchanged ? 'URL unchanged' : 'Stream URL updated', channel: channelId, url });
}

async function importM3u(relay: Relay, input: unknown, response: ServerResponse): Promise<void> {
  try {
    sendJson(response, 200, await relay.importM3u(parseImportRequest(input)));
  } catch (error) {
    if (error instanceof ImportError) return sendJson(response, 400, { error: error.toInfo(), report: error.report });
    throw error;
  }
}

/** Accepts `{target: {...}, pin}` or the flat forms `{sourceId}`, `{url}`, `{direction}`. */
export function parseSwitchRequest(input: unknown): SwitchRequest {
  if (typeof input !== 'object' || input === null) throw new RelayError('bad-request', 'Send a JSON object');
  const record = input as Record<string, unknown>;
  const raw = (typeof record.target === 'object' && record.target !== null ? record.target : record) as Record<string, unknown>;
  let target: SwitchTarget;
  if (typeof raw.sourceId === 'string') target = { sourceId: raw.sourceId };
  else if (typeof raw.source === 'string') target = { sourceId: raw.source };
  else if (typeof raw.url === 'string') target = { url: raw.url };
  else if (raw.direction === 'next' || raw.direction === 'previous') target = { direction: raw.direction };
  else throw new RelayError('bad-request', 'Say which source: {"sourceId"}, {"url"} or {"direction": "next"|"previous"}');
  if (record.pin !== undefined && typeof record.pin !== 'boolean') throw new RelayError('bad-request', 'pin must be true or false');
  return { target, ...(typeof record.pin === 'boolean' ? { pin: record.pin } : {}) };
}

function parseImportRequest(input: unknown): ImportRequest {
  if (typeof input !== 'object' || input === null) throw new RelayError('bad-request', 'Send a JSON object');
  const { text, url, groupBy, mode } = input as Record<string, unknown>;
  if (text !== undefined && typeof text !== 'string') throw new RelayError('bad-request', 'text must be a string');
  if (url !== undefined && typeof url !== 'string') throw new RelayError('bad-request', 'url must be a string');
  if (groupBy !== undefined && groupBy !== 'tvg-id' && groupBy !== 'name') throw new RelayError('bad-request', 'groupBy must be "tvg-id" or "name"');
  if (mode !== undefined && mode !== 'merge' && mode !== 'replace') throw new RelayError('bad-request', 'mode must be "merge" or "replace"');
  return {
    ...(text !== undefined ? { text } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(groupBy !== undefined ? { groupBy: groupBy as GroupBy } : {}),
    ...(mode !== undefined ? { mode: mode as ImportMode } : {}),
  };
}

function requireChannel(relay: Relay, id: string) {
  const channel = relay.channel(id);
  if (!channel) throw new RelayError('channel-not-found', `No channel "${id.slice(0, 64)}"`);
  return channel;
}

function notFound(): RelayError {
  return new RelayError('not-found', 'No such API route');
}

function notAllowed(): RelayError {
  return new RelayError('method-not-allowed', 'This route does not accept that method');
}
