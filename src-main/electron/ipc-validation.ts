import { parseChannelInput, parseChannelPatch } from '../core/lineup/parse-channel-input.js';
import { fail, fieldPath, readHttpUrl, readId, readOptionalBoolean, readRecord } from '../core/lineup/read-fields.js';
import { parseSettingsPatch } from '../core/settings/parse-settings.js';
import type { IpcMethod, IpcRequestMap } from '../shared/ipc-contract.js';
import type { ImportRequest } from '../shared/import-types.js';
import type { SwitchRequest, SwitchTarget } from '../shared/relay-client.js';

/**
 * Validation of every argument the window sends over IPC, in the main process: the renderer is untrusted
 * input. The payloads go through the engine's own field readers — the rules the control API applies —
 * so both transports accept and refuse the same things with the same messages. A check returns the value
 * typed or throws a RelayError ('bad-request', 'invalid-url', 'settings-invalid') naming the field.
 */
export type Check<T> = (value: unknown, path: string) => T;

/** M3U text of the biggest IPTV lists runs to a few MB; the HTTP API has the same cap. */
export const MAX_IMPORT_TEXT_LENGTH = 32 * 1024 * 1024;
/** Far past any real lineup; a larger index is garbage, not a position. */
export const MAX_CHANNEL_INDEX = 100_000;

/** Channel ids are the `<id>` of /stream/<id>: the engine's id rule (lower-case slug, at most 64). */
export const channelId: Check<string> = (value, path) => readId(value, path);

const toIndex: Check<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CHANNEL_INDEX) {
    fail(path, `must be a whole number from 0 to ${MAX_CHANNEL_INDEX}`);
  }
  return value;
};

const httpUrl: Check<string> = (value, path) => readHttpUrl(value, path);

/** `{ target: { sourceId } | { url } | { direction }, pin? }`, strictly: one target, no other fields. */
export const checkSwitchRequest: Check<SwitchRequest> = (value, path) => {
  const record = readRecord(value, path, ['target', 'pin']);
  const targetPath = fieldPath(path, 'target');
  const target = readRecord(record.target, targetPath, ['sourceId', 'url', 'direction']);
  const keys = Object.keys(target);
  if (keys.length !== 1) fail(targetPath, 'must name exactly one of sourceId, url or direction');
  let checked: SwitchTarget;
  if (keys[0] === 'sourceId') checked = { sourceId: readId(target.sourceId, fieldPath(targetPath, 'sourceId')) };
  else if (keys[0] === 'url') checked = { url: readHttpUrl(target.url, fieldPath(targetPath, 'url')) };
  else if (target.direction === 'next' || target.direction === 'previous') checked = { direction: target.direction };
  else fail(fieldPath(targetPath, 'direction'), 'must be "next" or "previous"');
  const pin = readOptionalBoolean(record.pin, fieldPath(path, 'pin'));
  return pin === undefined ? { target: checked } : { target: checked, pin };
};

/** `{ text } | { url }`, plus optional groupBy and mode. */
export const checkImportRequest: Check<ImportRequest> = (value, path) => {
  const record = readRecord(value, path, ['text', 'url', 'groupBy', 'mode']);
  if ((record.text === undefined) === (record.url === undefined)) fail(path, 'must have either text or url (not both)');
  const request: ImportRequest = {};
  if (record.text !== undefined) {
    if (typeof record.text !== 'string') fail(fieldPath(path, 'text'), 'must be a string');
    if (record.text.length > MAX_IMPORT_TEXT_LENGTH) fail(fieldPath(path, 'text'), `must be at most ${MAX_IMPORT_TEXT_LENGTH} characters`);
    request.text = record.text;
  }
  if (record.url !== undefined) request.url = readHttpUrl(record.url, fieldPath(path, 'url'));
  if (record.groupBy !== undefined) {
    if (record.groupBy !== 'tvg-id' && record.groupBy !== 'name') fail(fieldPath(path, 'groupBy'), 'must be "tvg-id" or "name"');
    request.groupBy = record.groupBy;
  }
  if (record.mode !== undefined) {
    if (record.mode !== 'merge' && record.mode !== 'replace') fail(fieldPath(path, 'mode'), 'must be "merge" or "replace"');
    request.mode = record.mode;
  }
  return request;
};

/**
 * An object argument read by one of the engine's parsers, which name fields from the payload's root
 * (`sources[0].url: …`) as the HTTP API does. Structured clone keeps Dates, Maps and the like; only
 * plain objects are requests.
 */
function payload<T>(parse: (value: unknown) => T): Check<T> {
  return (value, path) => {
    const prototype: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
    if (Array.isArray(value) || (prototype !== Object.prototype && prototype !== null)) fail(path, 'must be an object');
    return parse(value);
  };
}

type Checks<T extends unknown[]> = { [K in keyof T]: readonly [name: string, check: Check<T[K]>] };

/** An exact argument list: the right count, each argument checked under its name. */
function args<T extends unknown[]>(...checks: Checks<T>): Check<T> {
  return (value, path) => {
    if (!Array.isArray(value)) fail(path, 'arguments must be a list');
    if (value.length !== checks.length) {
      fail(path, `takes ${checks.length} argument${checks.length === 1 ? '' : 's'}, not ${value.length}`);
    }
    return checks.map(([name, check], index) => check(value[index], name)) as T;
  };
}

const ARGUMENT_CHECKS: { [M in IpcMethod]: Check<IpcRequestMap[M]> } = {
  overview: args(),
  timeline: args(['channelId', channelId]),
  switchSource: args(['channelId', channelId], ['request', checkSwitchRequest]),
  addChannel: args(['channel', payload(parseChannelInput)]),
  updateChannel: args(['channelId', channelId], ['patch', payload(parseChannelPatch)]),
  removeChannel: args(['channelId', channelId]),
  moveChannel: args(['channelId', channelId], ['toIndex', toIndex]),
  importM3u: args(['request', checkImportRequest]),
  settings: args(),
  updateSettings: args(['patch', payload(parseSettingsPatch)]),
  openInVlc: args(['url', httpUrl]),
};

/** The arguments of `method` as the window sent them, checked; throws a RelayError describing the first problem. */
export function validateIpcArguments<M extends IpcMethod>(method: M, values: unknown): IpcRequestMap[M] {
  return ARGUMENT_CHECKS[method](values, method);
}
