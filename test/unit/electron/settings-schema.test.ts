import { describe, expect, it } from 'vitest';
import {
  HEADER_NAME_PATTERN,
  HEADER_VALUE_PATTERN,
  HTTP_URL_PATTERN,
  ID_PATTERN,
  LANGUAGE_PATTERN,
  STORED_DEFAULTS,
  TEXT_PATTERN,
  USER_AGENT_PATTERN,
} from '../../../src-main/electron/settings-schema.js';
import {
  headerNameProblem,
  headerValueProblem,
  httpUrlProblem,
  idProblem,
  languageProblem,
  textProblem,
  userAgentProblem,
} from '../../../src-main/core/lineup/field-rules.js';
import { groupEntries } from '../../../src-main/core/lineup/group-entries.js';
import { parseLineupJson } from '../../../src-main/core/lineup/lineup-json.js';
import { parseM3u } from '../../../src-main/core/lineup/parse-m3u.js';
import { DEFAULT_SETTINGS } from '../../../src-main/shared/lineup-types.js';
import { openConf, readConfig, useTempDirs, writeConfig } from './settings-files.js';

const tempDir = useTempDirs();

const goodChannel = {
  id: 'bbc-one',
  name: 'BBC One',
  group: 'UK',
  logo: 'https://logos.test/bbc1.png',
  tvgId: 'bbc1.uk',
  enabled: true,
  sources: [
    {
      id: 's1',
      url: 'http://origin.test/bbc1/index.m3u8',
      label: 'Main',
      userAgent: 'VLC/3.0.20 LibVLC/3.0.20',
      headers: { Referer: 'http://origin.test/' },
      provider: 'acme',
      variant: { maxHeight: 720, audioLanguage: 'de' },
    },
  ],
  activeSourceId: 's1',
  pinned: false,
};

describe('settings schema (conf on real files)', () => {
  it('writes the defaults on first run, without a port or token yet', () => {
    const dir = tempDir();
    openConf(dir);
    const written = readConfig(dir);
    expect(written).toMatchObject({ ...STORED_DEFAULTS, __internal__: { migrations: { version: '0.2.0' } } });
    expect(written).not.toHaveProperty('port');
    expect(written).not.toHaveProperty('token');
  });

  it('has the shared relay defaults', () => {
    const { port: _port, ...rest } = DEFAULT_SETTINGS;
    expect(STORED_DEFAULTS).toMatchObject(rest);
  });

  it('accepts a complete valid file', () => {
    const dir = tempDir();
    const file = {
      ...STORED_DEFAULTS,
      port: 5001,
      token: 'A'.repeat(43),
      lineup: { channels: [goodChannel], providers: [{ id: 'acme', maxConnections: 2 }] },
    };
    writeConfig(dir, file);
    expect(openConf(dir).store).toMatchObject(file);
  });

  it.each<[string, Record<string, unknown>]>([
    ['port is text', { port: '5000' }],
    ['port out of range', { port: 70_000 }],
    ['fractional size', { bufferSegments: 2.5 }],
    ['lan is a string', { lan: 'yes' }],
    ['empty user agent', { userAgent: '' }],
    ['user agent with a line break', { userAgent: 'VLC\r\nX-Evil: 1' }],
    ['idle timeout zero', { idleTimeoutSec: 0 }],
    ['short token', { token: 'abc' }],
    ['unknown top-level key', { colour: 'blue' }],
    ['lineup without providers', { lineup: { channels: [] } }],
    ['channel id not a slug', { lineup: { channels: [{ ...goodChannel, id: 'BBC One' }], providers: [] } }],
    ['channel without sources', { lineup: { channels: [{ id: 'x', name: 'X', enabled: true }], providers: [] } }],
    ['source with a file: URL', { lineup: { channels: [{ ...goodChannel, sources: [{ id: 's1', url: 'file:///etc/passwd' }] }], providers: [] } }],
    ['header with a line break', { lineup: { channels: [{ ...goodChannel, sources: [{ id: 's1', url: 'http://a.test/x', headers: { Cookie: 'a\nb' } }] }], providers: [] } }],
    ['unknown channel field', { lineup: { channels: [{ ...goodChannel, colour: 'red' }], providers: [] } }],
    ['provider without a limit', { lineup: { channels: [], providers: [{ id: 'acme' }] } }],
  ])('rejects a file where %s', (_case, patch) => {
    const dir = tempDir();
    writeConfig(dir, { ...STORED_DEFAULTS, ...patch });
    expect(() => openConf(dir)).toThrow(/Config schema violation/);
  });

  it('rejects invalid values on write and keeps the file as it was', () => {
    const dir = tempDir();
    const store = openConf(dir);
    const before = readConfig(dir);
    expect(() => store.set('windowSegments', 0)).toThrow(/windowSegments/);
    expect(() => store.set('lineup', { channels: 'none', providers: [] })).toThrow(/lineup/);
    expect(readConfig(dir)).toEqual(before);
  });
});

describe('settings schema agrees with the engine’s field rules', () => {
  // ajv compiles patterns with the u flag; so does this.
  const matches = (pattern: string, value: string) => new RegExp(pattern, 'u').test(value);

  it.each<[string, string, (value: string) => string | undefined, string[]]>([
    ['ids', ID_PATTERN, idProblem, ['news', 'bbc-one_hd', '9', 'a'.repeat(64), 'a'.repeat(65), '', '-news', '_x', 'News', 'a b', 'a/b', 'é']],
    ['texts', TEXT_PATTERN, (value) => textProblem(value), ['BBC One', 'Ünïcödé 📺', ' padded ', '', '   ', 'a\nb', 'tab\there', 'del\u007f']],
    ['URLs', HTTP_URL_PATTERN, httpUrlProblem, ['http://a.test/x.m3u8', 'HTTPS://A.TEST/?t=1&u=%20', 'http://[::1]:8080/x', 'file:///etc/passwd', 'data:text/plain,x', 'javascript:alert(1)', 'http:/a.test/', 'http:///a', 'http://a.test/x y', 'http://a.test/\r\nX: y', 'ftp://a.test/']],
    ['user agents', USER_AGENT_PATTERN, userAgentProblem, ['VLC/3.0.20 LibVLC/3.0.20', 'Kodi', '', ' ', 'UA\r\nX: y', 'Ünï']],
    // (Names the relay sets itself, Host and the like, are the engine's business, not the file's.)
    ['header names', HEADER_NAME_PATTERN, headerNameProblem, ['Referer', 'X-Token_1', 'Cookie', 'Bad Header', 'a:b', '']],
    ['audio languages', LANGUAGE_PATTERN, languageProblem, ['de', 'pt-BR', 'zh-Hant-TW', 'DE', 'd', 'de_AT', 'de-', 'German (AT)', '']],
    ['header values', HEADER_VALUE_PATTERN, headerValueProblem, ['Bearer abc', 'caf\u00e9', 'tab\tok', 'line\nbreak', 'cr\r', 'nul\u0000', '\u20ac']],
  ])('%s', (_kind, pattern, problem, samples) => {
    for (const sample of samples) {
      expect(matches(pattern, sample), JSON.stringify(sample)).toBe(problem(sample) === undefined);
    }
  });

  it('stores a lineup the engine built from a messy M3U', () => {
    const m3u = [
      '#EXTM3U',
      '#EXTINF:-1 tvg-id="bbc1.uk" tvg-logo="https://logos.test/bbc1.png" group-title="UK | Général",BBC One HD ᴿᴬᵂ',
      'http://a.test/bbc1.m3u8?token=x%20y',
      '#EXTINF:-1 group-title="UK | Général",BBC One HD ᴿᴬᵂ',
      'https://b.test/live/bbc1/index.m3u8',
      '#EXTINF:-1,Пятый канал',
      'http://c.test/5.m3u8',
      '#EXTINF:-1,📺 ',
      'http://d.test/emoji.m3u8',
    ].join('\n');
    const channels = groupEntries(parseM3u(m3u).entries);
    expect(channels.length).toBeGreaterThanOrEqual(3);
    const dir = tempDir();
    const store = openConf(dir);
    store.set('lineup', { channels, providers: [] });
    expect(openConf(dir).get('lineup')).toEqual({ channels, providers: [] });
  });

  it('stores a lineup the engine read from a loose lineup file', () => {
    const lineup = parseLineupJson(
      JSON.stringify({
        channels: [
          { url: 'http://a.test/one.m3u8' },
          { name: 'Two', sources: ['http://b.test/2.m3u8', { url: 'http://c.test/2.m3u8', label: 'Backup', headers: { Referer: 'http://c.test/' } }] },
          { id: 'three_hd', name: 'Three', sources: [], variant: { maxHeight: 720 } },
        ],
        providers: [{ id: 'acme', maxConnections: 2 }],
      }),
    );
    const dir = tempDir();
    openConf(dir).set('lineup', lineup);
    expect(openConf(dir).get('lineup')).toEqual(lineup);
  });
});
