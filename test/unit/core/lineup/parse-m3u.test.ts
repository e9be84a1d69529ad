import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import {
  MAX_LINE_LENGTH,
  MAX_SKIPPED_LISTED,
  parseM3u,
  type M3uEntry,
  type ParsedM3u,
} from '../../../../src-main/core/lineup/parse-m3u.js';
import { generateProviderPlaylist, readM3uFixture } from './m3u-fixtures.js';

const m3u = (...lines: string[]): string => lines.join('\n');
const only = (parsed: ParsedM3u): M3uEntry => {
  expect(parsed.entries).toHaveLength(1);
  return parsed.entries[0] as M3uEntry;
};

describe('parseM3u on provider playlists', () => {
  it('reads provider A (BOM, CRLF, options, duplicates, broken entries) with line numbers', () => {
    const parsed = parseM3u(readM3uFixture('provider-a-crlf-bom.m3u'));

    expect(parsed.skipped).toEqual([
      { line: 17, reason: '#EXTINF without a stream URL after it' },
      { line: 19, reason: 'only http and https URLs are allowed (got rtmp:)' },
      { line: 21, reason: 'only http and https URLs are allowed (got file:)' },
      { line: 29, reason: 'only http and https URLs are allowed (got data:)' },
      { line: 32, reason: '#EXTINF without a stream URL after it' },
    ]);
    expect(parsed.entries.map((entry) => [entry.line, entry.name])).toEqual([
      [2, 'BBC One HD'],
      [4, 'BBC One (backup)'],
      [8, 'ITV 1, London'],
      [10, 'Sky News'],
      [14, 'Euronews Français'],
      [23, 'BBC Radio 4'],
      [25, 'live.provider-a.example:8080/2001.ts'],
      [26, 'BBC One HD'],
      [30, 'Das Erste'],
    ]);
    expect(parsed.entries[0]).toEqual({
      line: 2,
      name: 'BBC One HD',
      url: 'http://live.provider-a.example:8080/live/alice/s3cret/1001.m3u8',
      tvgId: 'BBCOne.uk',
      tvgName: 'BBC One',
      logo: 'http://logos.provider-a.example/bbc1.png',
      group: 'UK | Entertainment',
    });
    // Attributes in another order, plus #EXTVLCOPT user agent and referrer for this entry only.
    expect(parsed.entries[1]).toEqual({
      line: 4,
      name: 'BBC One (backup)',
      url: 'http://backup.provider-a.example/hls/bbc1/index.m3u8',
      tvgId: 'BBCOne.uk',
      tvgName: 'BBC One',
      logo: 'http://logos.provider-a.example/bbc1.png',
      group: 'UK | Entertainment',
      userAgent: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)',
      headers: { Referer: 'http://portal.provider-a.example/' },
    });
    expect(parsed.entries[2]?.userAgent).toBeUndefined();
    // Single-quoted and unquoted attributes.
    expect(parsed.entries[3]).toMatchObject({ tvgId: 'Sky.News.uk', tvgName: 'Sky News', group: 'News' });
    // Empty display name → tvg-name; empty tvg-id/logo are absent; the "referer" spelling works too.
    expect(parsed.entries[4]).toEqual({
      line: 14,
      name: 'Euronews Français',
      url: 'https://cdn.euronews.example/fr/live.m3u8',
      tvgName: 'Euronews Français',
      group: 'News',
      headers: { Referer: 'https://www.euronews.example/' },
    });
    // #EXTGRP gives the group when the #EXTINF has no group-title.
    expect(parsed.entries[5]?.group).toBe('Radio');
    // Kodi-style options after "|" on the URL line.
    expect(parsed.entries[8]).toMatchObject({
      url: 'http://live.provider-a.example:8080/live/alice/s3cret/3001.m3u8',
      userAgent: 'Mozilla/5.0 (Web0S)',
      headers: { Referer: 'http://portal.provider-a.example/' },
    });
  });

  it('reads a plain URL list with old-Mac CR line ends and reports the missing header on line 1', () => {
    const parsed = parseM3u(readM3uFixture('plain-list-cr.m3u'));
    expect(parsed.entries).toEqual([
      { line: 1, name: '192.168.1.20:8001/cam1.m3u8', url: 'http://192.168.1.20:8001/hls/cam1.m3u8' },
      { line: 2, name: 'streams.example.org/index.m3u8', url: 'https://streams.example.org/news/index.m3u8' },
    ]);
    expect(parsed.skipped).toEqual([
      { line: 1, reason: 'no #EXTM3U header: read as a plain list' },
      { line: 3, reason: 'not a valid URL' },
    ]);
  });

  it('finds nothing in an HTML error page and says why for every line', () => {
    const parsed = parseM3u(readM3uFixture('error-page.m3u'));
    expect(parsed.entries).toEqual([]);
    expect(parsed.skipped.map((skipped) => skipped.line)).toEqual([1, 1, 2, 3, 4]);
  });
});

describe('parseM3u line by line', () => {
  it('gives the same entries for LF, CRLF, CR and mixed line ends, with the same line numbers', () => {
    const lines = ['#EXTM3U', '#EXTINF:-1,One', 'http://a.example/1.m3u8', '#EXTINF:-1,Two', 'http://a.example/2.m3u8'];
    const expected = parseM3u(lines.join('\n'));
    expect(expected.entries.map((entry) => entry.line)).toEqual([2, 4]);
    for (const text of [lines.join('\r\n'), lines.join('\r'), `${lines[0]}\r\n${lines[1]}\r${lines[2]}\n${lines[3]}\r\n${lines[4]}`]) {
      expect(parseM3u(text)).toEqual(expected);
    }
  });

  it.each<[string, string, Partial<M3uEntry>]>([
    ['names with commas', '#EXTINF:-1 tvg-id="x",News, Weather, Sport', { name: 'News, Weather, Sport' }],
    ['a comma inside a quoted attribute', '#EXTINF:-1 tvg-name="Foo, Bar" group-title="A,B",Baz', { name: 'Baz', tvgName: 'Foo, Bar', group: 'A,B' }],
    ['single quotes', "#EXTINF:-1 tvg-id='one.uk' group-title='Kids',One", { tvgId: 'one.uk', group: 'Kids' }],
    ['unquoted values', '#EXTINF:-1 tvg-id=one.uk group-title=Kids,One', { tvgId: 'one.uk', group: 'Kids' }],
    ['no attributes at all', '#EXTINF:-1,Just a name', { name: 'Just a name' }],
    ['a decimal duration', '#EXTINF:-1.000 tvg-id="d",Dec', { name: 'Dec', tvgId: 'd' }],
    ['no duration', '#EXTINF:tvg-id="nd",NoDur', { name: 'NoDur', tvgId: 'nd' }],
    ['lower-case tags', '#extinf:-1 TVG-ID="lc",Lower', { name: 'Lower', tvgId: 'lc' }],
    ['the first of two same attributes', '#EXTINF:-1 tvg-id="first" tvg-id="second",X', { tvgId: 'first' }],
    ['an unclosed quote', '#EXTINF:-1 tvg-name="Broken,Name', { tvgName: 'Broken', name: 'Name' }],
    ['"=" inside a quoted value', '#EXTINF:-1 tvg-logo="http://l.example/a.png?x=1&y=2",L', { logo: 'http://l.example/a.png?x=1&y=2' }],
    ['tabs and control characters in the name', '#EXTINF:-1,\tSpaced\u0007  Name\t', { name: 'Spaced Name' }],
    ['no display name → tvg-name', '#EXTINF:-1 tvg-name="From Tvg"', { name: 'From Tvg' }],
    ['no name at all → host and last path segment', '#EXTINF:-1 tvg-id="n",', { name: 'a.example/1.m3u8' }],
  ])('handles %s', (_title, extinf, expected) => {
    const entry = only(parseM3u(m3u('#EXTM3U', extinf, 'http://a.example/1.m3u8')));
    expect(entry).toMatchObject({ url: 'http://a.example/1.m3u8', ...expected });
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', `http://l.example/${'l'.repeat(3000)}.png`])(
    'drops a logo the window could not load safely (%s) and keeps the entry',
    (logo) => {
      const entry = only(parseM3u(m3u('#EXTM3U', `#EXTINF:-1 tvg-logo="${logo}",Logo`, 'http://a.example/1.m3u8')));
      expect(entry).toEqual({ line: 2, name: 'Logo', url: 'http://a.example/1.m3u8' });
    },
  );

  it('cuts names to 200 characters', () => {
    const entry = only(parseM3u(m3u('#EXTM3U', `#EXTINF:-1,${'n'.repeat(500)}`, 'http://a.example/1.m3u8')));
    expect(entry.name).toBe('n'.repeat(200));
  });

  it('prefers group-title over #EXTGRP, and #EXTGRP applies to the next entry only', () => {
    const parsed = parseM3u(
      m3u(
        '#EXTM3U',
        '#EXTGRP:From Extgrp',
        '#EXTINF:-1 group-title="From Attr",A',
        'http://a.example/a',
        '#EXTINF:-1,B',
        '#EXTGRP:Only B',
        'http://a.example/b',
        '#EXTINF:-1,C',
        'http://a.example/c',
      ),
    );
    expect(parsed.entries.map((entry) => entry.group)).toEqual(['From Attr', 'Only B', undefined]);
  });

  it('applies #EXTVLCOPT lines to the next entry, wherever they stand before its URL', () => {
    const parsed = parseM3u(
      m3u(
        '#EXTM3U',
        '#EXTVLCOPT:http-user-agent=Before/1.0',
        '#EXTINF:-1,A',
        'http://a.example/a',
        '#EXTINF:-1,B',
        '#EXTVLCOPT:http-referrer=http://ref.example/',
        '#EXTVLCOPT:network-caching=1000',
        'http://a.example/b',
        '#EXTINF:-1,C',
        'http://a.example/c',
      ),
    );
    expect(parsed.entries.map((entry) => [entry.userAgent, entry.headers])).toEqual([
      ['Before/1.0', undefined],
      [undefined, { Referer: 'http://ref.example/' }],
      [undefined, undefined],
    ]);
    expect(parsed.skipped).toEqual([]);
  });

  it('reports a bad user agent or header option and keeps the entry without it', () => {
    const parsed = parseM3u(
      m3u(
        '#EXTM3U',
        '#EXTINF:-1,A',
        '#EXTVLCOPT:http-user-agent=Mözilla™',
        '#EXTVLCOPT:http-referrer=http://ref.example/\u0000x',
        'http://a.example/a|Host=evil.example&X Y=1&Cookie=ok%0D%0AInjected: yes',
      ),
    );
    const entry = only(parsed);
    expect(entry.userAgent).toBeUndefined();
    expect(entry.headers).toBeUndefined();
    expect(parsed.skipped).toEqual([
      { line: 3, reason: 'user agent ignored: it must contain printable ASCII characters only' },
      { line: 4, reason: 'header Referer ignored: must not contain line breaks or control characters' },
      { line: 5, reason: 'header Host ignored: header Host is set by the relay itself' },
      { line: 5, reason: 'header X Y ignored: "X Y" is not a valid header name' },
      { line: 5, reason: 'header Cookie ignored: must not contain line breaks or control characters' },
    ]);
  });

  it.each([
    ['file:///etc/passwd', 'only http and https URLs are allowed (got file:)'],
    ['data:text/plain,hello', 'only http and https URLs are allowed (got data:)'],
    ['javascript:alert(1)', 'only http and https URLs are allowed (got javascript:)'],
    ['rtmp://a.example/live', 'only http and https URLs are allowed (got rtmp:)'],
    ['ftp://a.example/x.ts', 'only http and https URLs are allowed (got ftp:)'],
    ['C:\\Videos\\news.ts', 'only http and https URLs are allowed (got c:)'],
    ['channels/news.m3u8', 'not a valid URL'],
    ['http://', 'not a valid URL'],
    ['http:/a.example/one-slash.m3u8', 'not a valid URL'],
    ['http:///a.example/three-slashes.m3u8', 'not a valid URL'],
    ['http://a.example/a b.m3u8', 'URL must not contain spaces or control characters'],
  ])('skips the entry whose URL is %s', (url, reason) => {
    const parsed = parseM3u(m3u('#EXTM3U', '#EXTINF:-1,Bad', url, '#EXTINF:-1,Good', 'https://a.example/good.m3u8'));
    expect(parsed.entries.map((entry) => entry.name)).toEqual(['Good']);
    expect(parsed.skipped).toEqual([{ line: 3, reason }]);
  });

  it('reports an #EXTINF followed by another #EXTINF on its own line', () => {
    const parsed = parseM3u(m3u('#EXTM3U', '#EXTINF:-1,Lost', '#EXTVLCOPT:http-user-agent=Lost/1', '#EXTINF:-1,Kept', 'http://a.example/k'));
    expect(parsed.skipped).toEqual([{ line: 2, reason: '#EXTINF without a stream URL after it' }]);
    // The lost entry's options do not leak into the next one.
    expect(only(parsed)).toEqual({ line: 4, name: 'Kept', url: 'http://a.example/k' });
  });

  it('ignores comments, #KODIPROP, repeated headers and blank lines', () => {
    const parsed = parseM3u(
      m3u('', '  ', '#EXTM3U', '# a comment', '#KODIPROP:inputstream=x', '', '#EXTM3U', '#EXTINF:-1,A', '', 'http://a.example/a', ''),
    );
    expect(parsed.skipped).toEqual([]);
    expect(only(parsed).line).toBe(8);
  });

  it('still reads entries when the #EXTM3U header is missing', () => {
    const parsed = parseM3u(m3u('#EXTINF:-1 tvg-id="a",A', 'http://a.example/a'));
    expect(only(parsed).name).toBe('A');
    expect(parsed.skipped).toEqual([{ line: 1, reason: 'no #EXTM3U header: read as a plain list' }]);
  });

  it.each(['', '\uFEFF', '\n\r\n  \t\n'])('reports an empty playlist (%j)', (text) => {
    expect(parseM3u(text)).toEqual({ entries: [], skipped: [{ line: 1, reason: 'the playlist is empty' }] });
  });

  it('skips lines longer than the cap, and the URL of an #EXTINF too long to read', () => {
    const long = 'x'.repeat(MAX_LINE_LENGTH + 1);
    const parsed = parseM3u(
      m3u(
        '#EXTM3U',
        `#EXTINF:-1 tvg-logo="http://l.example/${long}",Huge`,
        'http://a.example/huge',
        `http://a.example/${long}`,
        `# ${long}`,
        '#EXTINF:-1,Fine',
        'http://a.example/fine',
      ),
    );
    expect(only(parsed).name).toBe('Fine');
    expect(parsed.skipped).toEqual([
      { line: 2, reason: `line is longer than ${MAX_LINE_LENGTH} characters` },
      { line: 3, reason: 'stream URL of the entry skipped on line 2' },
      { line: 4, reason: `line is longer than ${MAX_LINE_LENGTH} characters` },
      { line: 5, reason: `line is longer than ${MAX_LINE_LENGTH} characters` },
    ]);
  });

  it(`lists at most ${MAX_SKIPPED_LISTED} problems and counts the rest`, () => {
    const junk = Array.from({ length: 5000 }, (_, i) => `junk line ${i}`);
    const parsed = parseM3u(m3u('#EXTM3U', ...junk));
    expect(parsed.skipped).toHaveLength(MAX_SKIPPED_LISTED + 1);
    expect(parsed.skipped.at(-1)).toEqual({ line: MAX_SKIPPED_LISTED + 2, reason: `${5000 - MAX_SKIPPED_LISTED} more problems not listed` });
  });

  it('rejects a value that is not text with a RelayError', () => {
    expect(() => parseM3u(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'bad-request' }));
  });
});

describe('parseM3u at provider scale', () => {
  it('parses 10 000 entries in well under a second', () => {
    const text = generateProviderPlaylist(10_000);
    parseM3u(text); // warm-up, so the figure is the parser and not the JIT
    const started = performance.now();
    const parsed = parseM3u(text);
    const elapsed = performance.now() - started;
    console.log(`parseM3u: 10 000 entries (${(text.length / 1024).toFixed(0)} KiB) in ${elapsed.toFixed(1)} ms`);

    expect(parsed.skipped).toEqual([]);
    expect(parsed.entries).toHaveLength(10_000);
    expect(parsed.entries[9_999]).toMatchObject({
      name: 'Channel 9999',
      url: 'http://live.provider.example:8080/live/user/pass/9999.m3u8',
      group: 'Group 39',
    });
    expect(parsed.entries[9_990]?.userAgent).toBe('Mozilla/5.0 (SMART-TV; Tizen 6.0)');
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('parseM3u on hostile input (property)', () => {
  const assertWellFormed = (text: string): void => {
    let parsed: ParsedM3u;
    try {
      parsed = parseM3u(text);
    } catch (error) {
      // Nothing but RelayError may escape, and for text not even that.
      expect(error).toBeInstanceOf(RelayError);
      throw error;
    }
    const lineCount = text.split(/\r\n|\r|\n/).length;
    for (const entry of parsed.entries) {
      expect(entry.url).toMatch(/^https?:\/\//i);
      expect(entry.name.trim()).not.toBe('');
      expect(entry.name.length).toBeLessThanOrEqual(200);
      expect(entry.name).not.toMatch(/[\r\n]/);
      expect(entry.line).toBeGreaterThanOrEqual(1);
      expect(entry.line).toBeLessThanOrEqual(lineCount);
    }
    const lines = parsed.skipped.map((skipped) => skipped.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(parsed.skipped.length).toBeLessThanOrEqual(MAX_SKIPPED_LISTED + 1);
  };

  const m3uAlphabet = fc.constantFrom(
    '#EXTM3U', '#EXTINF:-1', ' tvg-id="', ' tvg-name=\'', ' group-title=', ' tvg-logo="http://l.example/x.png"', ',', '"', "'",
    '=', '|', '&', 'User-Agent=', '#EXTVLCOPT:http-user-agent=', '#EXTVLCOPT:http-referrer=', '#EXTGRP:', 'http://',
    'https://a.example/', 'file:///', 'data:', '\n', '\r\n', '\r', ' ', '\t', '\u0000', '\uFEFF', 'é', '😀', 'x', '%', '%0D%0A',
  );

  it('never throws and keeps its invariants on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), assertWellFormed), { numRuns: 500 });
  });

  it('never throws and keeps its invariants on M3U-shaped noise', () => {
    fc.assert(
      fc.property(fc.array(m3uAlphabet, { maxLength: 200 }).map((parts) => parts.join('')), assertWellFormed),
      { numRuns: 500 },
    );
  });

  it('never throws and keeps its invariants on mutated provider playlists', () => {
    const original = readM3uFixture('provider-a-crlf-bom.m3u');
    const mutation = fc.oneof(
      fc.tuple(fc.constant('insert' as const), fc.nat(), m3uAlphabet),
      fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 40 })),
      fc.tuple(fc.constant('duplicate' as const), fc.nat(), fc.integer({ min: 1, max: 200 })),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 20 }), (mutations) => {
        let text = original;
        for (const [kind, at, arg] of mutations) {
          const position = at % (text.length + 1);
          if (kind === 'insert') text = text.slice(0, position) + arg + text.slice(position);
          else if (kind === 'delete') text = text.slice(0, position) + text.slice(position + arg);
          else text = text.slice(0, position) + text.slice(position, position + arg) + text.slice(position);
        }
        assertWellFormed(text);
      }),
      { numRuns: 300 },
    );
  });
});
