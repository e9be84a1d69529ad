import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../../src-main/shared/error-codes.js';
import { RelayError } from '../../../../src-main/core/errors.js';
import {
  parseChannelInput,
  parseChannelPatch,
  parseSourceInput,
} from '../../../../src-main/core/lineup/parse-channel-input.js';

function failure(run: () => unknown): { code: ErrorCode; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).toInfo();
  }
  throw new Error('expected a RelayError');
}

const channel = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'News',
  sources: [{ url: 'https://cdn.example/news.m3u8' }],
  ...extra,
});
const source = (extra: Record<string, unknown>): Record<string, unknown> => channel({ sources: [{ url: 'https://cdn.example/a.m3u8', ...extra }] });

describe('parseChannelInput', () => {
  it('returns a clean input: trimmed text, empty optional fields dropped', () => {
    expect(
      parseChannelInput({
        id: 'news-1',
        name: '  BBC News  ',
        group: '',
        logo: null,
        enabled: false,
        sources: [
          { url: ' https://cdn.example/news.m3u8 ', label: null, headers: {} },
          {
            id: 'backup',
            url: 'http://backup.example/news.m3u8',
            label: ' Backup ',
            userAgent: 'VLC/3.0.20 LibVLC/3.0.20',
            headers: { Referer: 'http://portal.example/', Cookie: 'session=1' },
            provider: 'acme',
            variant: { maxHeight: 720, audioLanguage: ' de ' },
          },
        ],
      }),
    ).toEqual({
      id: 'news-1',
      name: 'BBC News',
      enabled: false,
      sources: [
        { url: 'https://cdn.example/news.m3u8' },
        {
          id: 'backup',
          url: 'http://backup.example/news.m3u8',
          label: 'Backup',
          userAgent: 'VLC/3.0.20 LibVLC/3.0.20',
          headers: { Referer: 'http://portal.example/', Cookie: 'session=1' },
          provider: 'acme',
          variant: { maxHeight: 720, audioLanguage: 'de' },
        },
      ],
    });
  });

  it('accepts a channel with no sources yet', () => {
    expect(parseChannelInput({ name: 'Later', sources: [] })).toEqual({ name: 'Later', sources: [] });
  });

  it.each<[string, unknown, ErrorCode, string]>([
    ['null', null, 'bad-request', 'must be an object'],
    ['an array', [channel()], 'bad-request', 'must be an object'],
    ['a string', 'News', 'bad-request', 'must be an object'],
    ['a typo in a field name', { nmae: 'News', sources: [] }, 'bad-request', 'nmae: unknown field'],
    ['no name', { sources: [] }, 'bad-request', 'name: must be a string'],
    ['a number as name', channel({ name: 42 }), 'bad-request', 'name: must be a string'],
    ['a blank name', channel({ name: '   ' }), 'bad-request', 'name: must not be empty'],
    ['a 201-character name', channel({ name: 'n'.repeat(201) }), 'bad-request', 'name: must be at most 200 characters'],
    ['a name with a line break', channel({ name: 'News\r\n#EXTINF' }), 'bad-request', 'name: must not contain control characters or line breaks'],
    ['an id with spaces', channel({ id: 'my news' }), 'bad-request', 'id: must be 1–64 lowercase letters'],
    ['an id with a path', channel({ id: '../etc' }), 'bad-request', 'id: must be 1–64 lowercase letters'],
    ['an upper-case id', channel({ id: 'News' }), 'bad-request', 'id: must be 1–64 lowercase letters'],
    ['a 65-character id', channel({ id: 'a'.repeat(65) }), 'bad-request', 'id: must be 1–64 lowercase letters'],
    ['sources missing', { name: 'News' }, 'bad-request', 'sources: must be an array'],
    ['sources as an object', channel({ sources: { url: 'http://a.example/' } }), 'bad-request', 'sources: must be an array'],
    ['201 sources', channel({ sources: Array.from({ length: 201 }, (_, i) => ({ url: `http://a.example/${i}` })) }), 'bad-request', 'sources: must have at most 200 items'],
    ['a source as a string', channel({ sources: ['http://a.example/'] }), 'bad-request', 'sources[0]: must be an object'],
    ['a source without url', channel({ sources: [{ label: 'x' }] }), 'bad-request', 'sources[0].url: must be a string'],
    ['a file: URL', source({ url: 'file:///etc/passwd' }), 'invalid-url', 'sources[0].url: only http and https URLs are allowed (got file:)'],
    ['a data: URL', source({ url: 'data:application/x-mpegurl,#EXTM3U' }), 'invalid-url', 'sources[0].url: only http and https URLs are allowed (got data:)'],
    ['a javascript: URL', source({ url: 'javascript:alert(1)' }), 'invalid-url', 'sources[0].url: only http and https URLs are allowed (got javascript:)'],
    ['a relative URL', source({ url: '/stream/news' }), 'invalid-url', 'sources[0].url: not a valid URL'],
    ['a number as URL', source({ url: 42 }), 'bad-request', 'sources[0].url: must be a string'],
    ['a logo with javascript:', channel({ logo: 'javascript:alert(1)' }), 'invalid-url', 'logo: only http and https URLs are allowed (got javascript:)'],
    ['enabled as a string', channel({ enabled: 'yes' }), 'bad-request', 'enabled: must be true or false'],
    ['CRLF injection in a header value', source({ headers: { Referer: 'http://a.example/\r\nX-Injected: 1' } }), 'bad-request', 'sources[0].headers.Referer: must not contain line breaks or control characters'],
    ['CRLF injection in a header name', source({ headers: { 'X-A\r\nX-Injected': '1' } }), 'bad-request', 'sources[0].headers: "X-A X-Injected" is not a valid header name'],
    ['a Host header', source({ headers: { Host: 'evil.example' } }), 'bad-request', 'sources[0].headers: header Host is set by the relay itself'],
    ['a User-Agent header', source({ headers: { 'user-agent': 'x' } }), 'bad-request', 'sources[0].headers: set the user agent with userAgent, not as a header'],
    ['a header given twice', source({ headers: { Referer: 'a', referer: 'b' } }), 'bad-request', 'sources[0].headers.referer: header given twice'],
    ['a header value that is not text', source({ headers: { Referer: 1 } }), 'bad-request', 'sources[0].headers.Referer: must be a string'],
    ['headers as an array', source({ headers: ['Referer: x'] }), 'bad-request', 'sources[0].headers: must be an object of header names to values'],
    ['33 headers', source({ headers: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`X-${i}`, 'v'])) }), 'bad-request', 'sources[0].headers: must have at most 32 headers'],
    ['a user agent with a line break', source({ userAgent: 'VLC\r\nX-Injected: 1' }), 'bad-request', 'sources[0].userAgent: must contain printable ASCII characters only'],
    ['a non-ASCII user agent', source({ userAgent: 'Mözilla' }), 'bad-request', 'sources[0].userAgent: must contain printable ASCII characters only'],
    ['a 513-character user agent', source({ userAgent: 'u'.repeat(513) }), 'bad-request', 'sources[0].userAgent: must be at most 512 characters'],
    ['an empty user agent', source({ userAgent: '' }), 'bad-request', 'sources[0].userAgent: must not be empty'],
    ['a provider that is not an id', source({ provider: 'Acme TV' }), 'bad-request', 'sources[0].provider: must be 1–64 lowercase letters'],
    ['a negative bandwidth cap', source({ variant: { maxBandwidth: -1 } }), 'bad-request', 'sources[0].variant.maxBandwidth: must be a whole number from 1'],
    ['a fractional height cap', source({ variant: { maxHeight: 720.5 } }), 'bad-request', 'sources[0].variant.maxHeight: must be a whole number from 1'],
    ['an unknown variant field', source({ variant: { width: 1 } }), 'bad-request', 'sources[0].variant.width: unknown field'],
    ['an audio language with an underscore', source({ variant: { audioLanguage: 'de_AT' } }), 'bad-request', 'sources[0].variant.audioLanguage: must be a language tag'],
    ['an audio language with a quote', source({ variant: { audioLanguage: 'de"' } }), 'bad-request', 'sources[0].variant.audioLanguage: must be a language tag'],
    ['an unknown source field', source({ urls: [] }), 'bad-request', 'sources[0].urls: unknown field'],
    ['two sources with one URL', channel({ sources: [{ url: 'http://a.example/x' }, { url: 'http://a.example/x' }] }), 'bad-request', 'sources[1].url: same URL as sources[0]'],
    ['two sources with one id', channel({ sources: [{ id: 'a', url: 'http://a.example/1' }, { id: 'a', url: 'http://a.example/2' }] }), 'bad-request', 'sources[1].id: same id as sources[0]'],
  ])('rejects %s', (_title, value, code, message) => {
    const error = failure(() => parseChannelInput(value));
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('keeps a header named __proto__ as a plain header, not as a prototype', () => {
    const input = parseChannelInput(JSON.parse('{"name":"N","sources":[{"url":"http://a.example/","headers":{"__proto__":"x"}}]}'));
    const headers = input.sources[0]?.headers ?? {};
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers)).toEqual([['__proto__', 'x']]);
  });
});

describe('parseSourceInput', () => {
  it('reads one source without a path prefix in its messages', () => {
    expect(parseSourceInput({ url: 'https://a.example/live.m3u8', label: 'Main' })).toEqual({
      url: 'https://a.example/live.m3u8',
      label: 'Main',
    });
    expect(failure(() => parseSourceInput({ url: 'file:///etc/passwd' }))).toEqual({
      code: 'invalid-url',
      message: 'url: only http and https URLs are allowed (got file:)',
    });
  });
});

describe('parseChannelPatch', () => {
  it.each<[unknown, unknown]>([
    [{}, {}],
    [{ name: ' Renamed ' }, { name: 'Renamed' }],
    [{ group: null, logo: null }, { group: null, logo: null }],
    [{ group: '', logo: '' }, { group: null, logo: null }],
    [{ group: 'Sport', logo: 'https://l.example/x.png' }, { group: 'Sport', logo: 'https://l.example/x.png' }],
    [{ enabled: false, pinned: true }, { enabled: false, pinned: true }],
    [{ sources: [] }, { sources: [] }],
    [{ sources: [{ id: 's2', url: 'http://a.example/' }] }, { sources: [{ id: 's2', url: 'http://a.example/' }] }],
  ])('reads %j', (value, expected) => {
    expect(parseChannelPatch(value)).toEqual(expected);
  });

  it.each<[unknown, ErrorCode, string]>([
    [null, 'bad-request', 'must be an object'],
    [{ id: 'other' }, 'bad-request', 'id: unknown field'],
    [{ name: '' }, 'bad-request', 'name: must not be empty'],
    [{ name: null }, 'bad-request', 'name: must be a string'],
    [{ pinned: 'true' }, 'bad-request', 'pinned: must be true or false'],
    [{ group: 5 }, 'bad-request', 'group: must be a string'],
    [{ logo: 'data:image/png;base64,AAAA' }, 'invalid-url', 'logo: only http and https URLs are allowed (got data:)'],
    [{ sources: [{ url: 'rtmp://a.example/x' }] }, 'invalid-url', 'sources[0].url: only http and https URLs are allowed (got rtmp:)'],
  ])('rejects %j', (value, code, message) => {
    expect(failure(() => parseChannelPatch(value))).toEqual({ code, message });
  });
});
