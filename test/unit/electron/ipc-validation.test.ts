import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../src-main/core/errors.js';
import { validateIpcArguments } from '../../../src-main/electron/ipc-validation.js';
import type { IpcMethod } from '../../../src-main/shared/ipc-contract.js';

function rejection(method: IpcMethod, values: unknown): { code: string; message: string } {
  try {
    validateIpcArguments(method, values);
  } catch (error) {
    if (error instanceof RelayError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`${method} accepted ${JSON.stringify(values)}`);
}

const source = { url: 'https://origin.test/live/news.m3u8' };

describe('validateIpcArguments accepts good requests unchanged', () => {
  it.each<[IpcMethod, unknown[]]>([
    ['overview', []],
    ['settings', []],
    ['timeline', ['bbc-one']],
    ['removeChannel', ['a']],
    ['moveChannel', ['news', 0]],
    ['switchSource', ['news', { target: { sourceId: 's2' }, pin: true }]],
    ['switchSource', ['news', { target: { url: 'http://origin.test/x.m3u8' } }]],
    ['switchSource', ['news', { target: { direction: 'previous' }, pin: false }]],
    ['addChannel', [{ name: 'News', sources: [source] }]],
    [
      'addChannel',
      [
        {
          id: 'news',
          name: 'News',
          group: 'Info',
          logo: 'https://logos.test/news.png',
          enabled: true,
          sources: [
            {
              id: 'main_hd-1',
              url: 'http://origin.test/a.m3u8?token=abc',
              label: 'HD',
              userAgent: 'VLC/3.0.20',
              headers: { Referer: 'http://origin.test/', 'X-Forwarded-For': '10.0.0.1' },
              provider: 'acme',
              variant: { maxBandwidth: 5_000_000, maxHeight: 1080 },
            },
          ],
        },
      ],
    ],
    ['updateChannel', ['news', { group: null, logo: null, pinned: false }]],
    ['updateChannel', ['news', { name: 'News HD', sources: [source, { url: 'http://backup.test/news.m3u8', id: 'b' }] }]],
    ['importM3u', [{ text: '#EXTM3U\n#EXTINF:-1,News\nhttp://a.test/n.m3u8\n', groupBy: 'name', mode: 'merge' }]],
    ['importM3u', [{ url: 'https://lists.test/all.m3u' }]],
    ['updateSettings', [{}]],
    ['updateSettings', [{ port: 8080, lan: true, userAgent: 'Kodi', bufferSegments: 30, notifications: false }]],
    ['openInVlc', ['http://127.0.0.1:5000/stream/news']],
  ])('%s %j', (method, values) => {
    expect(validateIpcArguments(method, values)).toEqual(values);
  });
});

describe('validateIpcArguments rejects bad requests with a code and the field', () => {
  it.each<[string, IpcMethod, unknown, string, RegExp]>([
    ['upper-case channel id', 'timeline', ['News'], 'bad-request', /channelId: must be 1–64 lowercase letters/],
    ['channel id with a slash', 'removeChannel', ['../etc'], 'bad-request', /channelId/],
    ['empty channel id', 'removeChannel', [''], 'bad-request', /channelId/],
    ['65-character channel id', 'removeChannel', ['a'.repeat(65)], 'bad-request', /channelId: must be 1–64/],
    ['number as channel id', 'timeline', [42], 'bad-request', /channelId: must be a string/],
    ['missing argument', 'timeline', [], 'bad-request', /takes 1 argument, not 0/],
    ['extra argument', 'overview', ['x'], 'bad-request', /takes 0 arguments, not 1/],
    ['arguments not a list', 'overview', 'x', 'bad-request', /must be a list/],
    ['file: URL to switch to', 'switchSource', ['news', { target: { url: 'file:///etc/passwd' } }], 'invalid-url', /request\.target\.url: only http and https/],
    ['data: URL source', 'addChannel', [{ name: 'N', sources: [{ url: 'data:text/plain,hi' }] }], 'invalid-url', /sources\[0\]\.url: only http and https/],
    ['javascript: logo', 'addChannel', [{ name: 'N', logo: 'javascript:alert(1)', sources: [] }], 'invalid-url', /logo/],
    ['relative URL', 'openInVlc', ['/stream/news'], 'invalid-url', /url: not a valid URL/],
    ['file: URL for VLC', 'openInVlc', ['file:///home/me/.ssh/id_rsa'], 'invalid-url', /only http and https/],
    ['URL with a line break', 'openInVlc', ['http://a.test/x\nhttp://b.test/'], 'invalid-url', /spaces or control characters/],
    ['oversized URL', 'openInVlc', [`http://a.test/${'x'.repeat(9000)}`], 'invalid-url', /longer than 8192/],
    ['unknown request field', 'switchSource', ['news', { target: { sourceId: 'a' }, force: true }], 'bad-request', /request\.force: unknown field/],
    ['two targets', 'switchSource', ['news', { target: { sourceId: 'a', url: 'http://a.test/' } }], 'bad-request', /exactly one/],
    ['unknown target field', 'switchSource', ['news', { target: { source: 'a' } }], 'bad-request', /request\.target\.source: unknown field/],
    ['unknown direction', 'switchSource', ['news', { target: { direction: 'random' } }], 'bad-request', /"next" or "previous"/],
    ['empty target', 'switchSource', ['news', { target: {} }], 'bad-request', /exactly one of sourceId, url or direction/],
    ['bad source id', 'switchSource', ['news', { target: { sourceId: 'S 1' } }], 'bad-request', /request\.target\.sourceId/],
    ['pin as a string', 'switchSource', ['news', { target: { sourceId: 'a' }, pin: 'yes' }], 'bad-request', /request\.pin: must be true or false/],
    ['array as request', 'switchSource', ['news', []], 'bad-request', /request: must be an object/],
    ['null patch', 'updateChannel', ['news', null], 'bad-request', /patch: must be an object/],
    ['class instance as patch', 'updateChannel', ['news', new Date()], 'bad-request', /patch: must be an object/],
    ['name too long', 'addChannel', [{ name: 'n'.repeat(201), sources: [] }], 'bad-request', /name: must be at most 200/],
    ['name with a newline', 'updateChannel', ['news', { name: 'a\nb' }], 'bad-request', /name: must not contain control characters/],
    ['too many sources', 'addChannel', [{ name: 'N', sources: Array.from({ length: 201 }, (_, i) => ({ url: `http://a.test/${i}` })) }], 'bad-request', /sources: must have at most 200/],
    ['the same URL twice', 'updateChannel', ['news', { sources: [source, source] }], 'bad-request', /sources\[1\]\.url: same URL/],
    ['header injection', 'addChannel', [{ name: 'N', sources: [{ ...source, headers: { Referer: 'x\r\nHost: evil' } }] }], 'bad-request', /headers\.Referer/],
    ['bad header name', 'addChannel', [{ name: 'N', sources: [{ ...source, headers: { 'Bad Header': 'x' } }] }], 'bad-request', /not a valid header name/],
    ['unknown source field', 'addChannel', [{ name: 'N', sources: [{ ...source, cookie: 'x' }] }], 'bad-request', /sources\[0\]\.cookie: unknown field/],
    ['negative index', 'moveChannel', ['news', -1], 'bad-request', /toIndex: must be a whole number from 0/],
    ['fractional index', 'moveChannel', ['news', 1.5], 'bad-request', /toIndex/],
    ['import with text and url', 'importM3u', [{ text: '#EXTM3U', url: 'http://a.test/x.m3u' }], 'bad-request', /either text or url/],
    ['import with neither', 'importM3u', [{ mode: 'merge' }], 'bad-request', /either text or url/],
    ['import from a file: URL', 'importM3u', [{ url: 'file:///etc/passwd' }], 'invalid-url', /request\.url/],
    ['import groupBy', 'importM3u', [{ text: '#EXTM3U', groupBy: 'group' }], 'bad-request', /request\.groupBy/],
    ['unknown import field', 'importM3u', [{ text: '#EXTM3U', path: '/etc/passwd' }], 'bad-request', /request\.path: unknown field/],
    ['port out of range', 'updateSettings', [{ port: 70_000 }], 'settings-invalid', /port: must be a whole number from 1 to 65535/],
    ['port as text', 'updateSettings', [{ port: '5000' }], 'settings-invalid', /port/],
    ['unknown setting', 'updateSettings', [{ theme: 'dark' }], 'settings-invalid', /Unknown setting: theme/],
    ['user agent with CRLF', 'updateSettings', [{ userAgent: 'a\r\nb' }], 'settings-invalid', /userAgent/],
  ])('%s', (_case, method, values, code, message) => {
    const { code: actualCode, message: actualMessage } = rejection(method, values);
    expect(actualCode).toBe(code);
    expect(actualMessage).toMatch(message);
  });

  it('bounds the imported M3U text', () => {
    const huge = '#'.repeat(32 * 1024 * 1024 + 1);
    expect(rejection('importM3u', [{ text: huge }]).message).toMatch(/at most/);
  });

  it('does not let __proto__ through as a field', () => {
    const sneaky = JSON.parse('{"name":"N","sources":[],"__proto__":{"admin":true}}') as unknown;
    expect(rejection('addChannel', [sneaky]).message).toMatch(/__proto__: unknown field/);
  });
});
