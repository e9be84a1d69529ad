import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelConfig, Lineup, SourceConfig } from '../../../../src-main/shared/lineup-types.js';
import { RelayError } from '../../../../src-main/core/errors.js';
import { applyImport } from '../../../../src-main/core/lineup/apply-import.js';
import { parseLineupJson, serializeLineup } from '../../../../src-main/core/lineup/lineup-json.js';
import { parseM3u } from '../../../../src-main/core/lineup/parse-m3u.js';
import { readM3uFixture } from './m3u-fixtures.js';

function failure(text: string): { code: string; message: string } {
  try {
    parseLineupJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).toInfo();
  }
  throw new Error('expected a RelayError');
}

describe('parseLineupJson', () => {
  it('reads a loose hand-written file and fills in ids, names and defaults', () => {
    const lineup = parseLineupJson(
      JSON.stringify({
        channels: [
          { url: 'http://192.168.1.20:8001/hls/cam1.m3u8' },
          { name: 'News', sources: ['http://a.example/news.m3u8', { url: 'http://b.example/news.m3u8', label: 'backup' }] },
          { id: 'sport', url: 'https://c.example/sport.m3u8', enabled: false },
          { name: 'News', group: 'Info', url: 'http://d.example/news2.m3u8' },
          { id: 'news', name: 'Explicit id wins', url: 'http://e.example/x.m3u8' },
        ],
        providers: [{ id: 'acme', maxConnections: 2 }],
      }),
    );
    expect(lineup).toEqual({
      channels: [
        { id: '192-168-1-20-8001', name: '192.168.1.20:8001', enabled: true, sources: [{ id: 's1', url: 'http://192.168.1.20:8001/hls/cam1.m3u8' }] },
        {
          id: 'news-2',
          name: 'News',
          enabled: true,
          sources: [
            { id: 's1', url: 'http://a.example/news.m3u8' },
            { id: 's2', url: 'http://b.example/news.m3u8', label: 'backup' },
          ],
        },
        { id: 'sport', name: 'sport', enabled: false, sources: [{ id: 's1', url: 'https://c.example/sport.m3u8' }] },
        { id: 'news-3', name: 'News', group: 'Info', enabled: true, sources: [{ id: 's1', url: 'http://d.example/news2.m3u8' }] },
        { id: 'news', name: 'Explicit id wins', enabled: true, sources: [{ id: 's1', url: 'http://e.example/x.m3u8' }] },
      ],
      providers: [{ id: 'acme', maxConnections: 2 }],
    });
  });

  it('reads a bare array of channels, a BOM and an empty object', () => {
    expect(parseLineupJson('\uFEFF[{"name":"A","url":"http://a.example/"}]')).toEqual({
      channels: [{ id: 'a', name: 'A', enabled: true, sources: [{ id: 's1', url: 'http://a.example/' }] }],
      providers: [],
    });
    expect(parseLineupJson('{}')).toEqual({ channels: [], providers: [] });
  });

  it.each([
    ['{"channels": [', 'The lineup is not valid JSON: '],
    ['', 'The lineup is not valid JSON: '],
    ['"channels"', 'the lineup must be an object'],
    ['null', 'the lineup must be an object'],
    ['{"chanels": []}', 'chanels: unknown field'],
    ['{"channels": {}}', 'channels: must be an array'],
    ['[{"name": "A"}]', 'channels[0]: a channel needs "url" or "sources"'],
    ['[{"sources": []}]', 'channels[0].name: a channel without sources needs a name or an id'],
    ['[{"name": "A", "url": "http://a.example/", "sources": []}]', 'channels[0]: give either "url" or "sources", not both'],
    ['[{"name": "A", "url": "file:///etc/passwd"}]', 'channels[0].url: only http and https URLs are allowed (got file:)'],
    [
      JSON.stringify([{ url: 'http://a.example/' }, { url: 'http://b.example/' }, { url: 'http://c.example/' }, { name: 'D', sources: ['javascript:alert(1)'] }]),
      'channels[3].sources[0]: only http and https URLs are allowed (got javascript:)',
    ],
    ['[{"name": "A", "sources": [{"url": "data:,x"}]}]', 'channels[0].sources[0].url: only http and https URLs are allowed (got data:)'],
    ['[{"name": "A", "sources": [{"url": "http://a.example/", "headers": {"Referer": "x\\r\\nHost: y"}}]}]', 'channels[0].sources[0].headers.Referer: must not contain line breaks or control characters'],
    ['[{"name": "A", "sources": ["http://a.example/", "http://a.example/"]}]', 'channels[0].sources[1].url: same URL as channels[0].sources[0]'],
    ['[{"id": "a", "url": "http://a.example/"}, {"id": "a", "url": "http://b.example/"}]', 'channels[1].id: another channel already has the id "a"'],
    ['[{"id": "A B", "url": "http://a.example/"}]', 'channels[0].id: must be 1–64 lowercase letters'],
    ['[{"name": "A", "url": "http://a.example/", "activeSourceId": "s2"}]', 'channels[0].activeSourceId: no source has the id "s2"'],
    ['[{"name": "A", "url": "http://a.example/", "pinned": "yes"}]', 'channels[0].pinned: must be true or false'],
    ['[{"name": "A", "url": "http://a.example/", "colour": "red"}]', 'channels[0].colour: unknown field'],
    ['{"providers": [{"id": "acme", "maxConnections": 0}]}', 'providers[0].maxConnections: must be a whole number from 1 to 1000'],
    ['{"providers": [{"id": "acme", "maxConnections": 1}, {"id": "acme", "maxConnections": 2}]}', 'providers[1].id: another provider already has the id "acme"'],
  ])('rejects %s with settings-invalid naming the field', (text, message) => {
    const error = failure(text);
    expect(error.code).toBe('settings-invalid');
    expect(error.message.startsWith(message)).toBe(true);
  });

  it.each([
    ['{\n  "channels": [\n    {"name": "a",}\n  ]\n}', 'line 3, column 18'],
    ['{\r\n  "channels": [\r\n', 'line 3, column 1'],
    ['{"channels": []} extra', 'line 1, column 18'],
  ])('says where broken JSON breaks: %j → %s', (text, where) => {
    expect(failure(text).message).toContain(`(${where})`);
  });

  it('passes on the JSON parser\'s excerpt when it gives no position', () => {
    expect(failure('{"channels": [}').message).toContain('"{"channels": [}" is not valid JSON');
  });
});

describe('serializeLineup', () => {
  it('writes pretty JSON that reads back to the same lineup (provider playlist)', () => {
    const { lineup } = applyImport({ channels: [], providers: [{ id: 'acme', maxConnections: 1 }] }, parseM3u(readM3uFixture('provider-a-crlf-bom.m3u')));
    const text = serializeLineup(lineup);
    expect(text).toMatch(/^\{\n {2}"channels": \[\n/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseLineupJson(text)).toEqual(lineup);
  });

  it('round-trips any valid lineup (property)', () => {
    const id = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/);
    const text = fc
      .string({ minLength: 1, maxLength: 30 })
      .map((value) => value.replace(/\p{Cc}/gu, ' ').trim())
      .filter((value) => value !== '');
    const url = fc.webUrl({ validSchemes: ['http', 'https'] }).filter((value) => !/[\s\p{Cc}]/u.test(value));
    const source: fc.Arbitrary<SourceConfig> = fc.record(
      {
        id,
        url,
        label: text,
        userAgent: fc.stringMatching(/^[ -~]{1,40}$/).filter((value) => value.trim() !== ''),
        headers: fc.dictionary(fc.constantFrom('Referer', 'Cookie', 'X-Token', 'Origin'), fc.stringMatching(/^[ -~]{0,30}$/), { minKeys: 1, maxKeys: 3 }),
        provider: id,
        variant: fc.record({ maxBandwidth: fc.integer({ min: 1, max: 1e8 }), maxHeight: fc.integer({ min: 1, max: 4320 }) }, { requiredKeys: [] }),
      },
      { requiredKeys: ['id', 'url'] },
    );
    const channel: fc.Arbitrary<ChannelConfig> = fc
      .record(
        {
          id,
          name: text,
          group: text,
          logo: url,
          tvgId: text,
          enabled: fc.boolean(),
          sources: fc.uniqueArray(source, { maxLength: 4, selector: (s) => s.id }).filter((list) => new Set(list.map((s) => s.url)).size === list.length),
          pinned: fc.boolean(),
        },
        { requiredKeys: ['id', 'name', 'enabled', 'sources'] },
      )
      .chain((base) =>
        base.sources.length === 0
          ? fc.constant(base)
          : fc.option(fc.constantFrom(...base.sources.map((s) => s.id)), { nil: undefined }).map((active) =>
              active === undefined ? base : { ...base, activeSourceId: active },
            ),
      );
    const lineup: fc.Arbitrary<Lineup> = fc.record({
      channels: fc.uniqueArray(channel, { maxLength: 6, selector: (c) => c.id }),
      providers: fc.uniqueArray(fc.record({ id, maxConnections: fc.integer({ min: 1, max: 1000 }) }), { maxLength: 3, selector: (p) => p.id }),
    });
    fc.assert(
      fc.property(lineup, (value) => {
        expect(parseLineupJson(serializeLineup(value))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});
