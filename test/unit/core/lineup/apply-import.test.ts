import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lineup } from '../../../../src-main/shared/lineup-types.js';
import { isRelayError } from '../../../../src-main/core/errors.js';
import { ImportError, applyImport } from '../../../../src-main/core/lineup/apply-import.js';
import { parseM3u } from '../../../../src-main/core/lineup/parse-m3u.js';
import { deepFreeze, readM3uFixture } from './m3u-fixtures.js';

const empty: Lineup = deepFreeze({ channels: [], providers: [{ id: 'provider-a', maxConnections: 2 }] });
const providerA = deepFreeze(parseM3u(readM3uFixture('provider-a-crlf-bom.m3u')));
const providerB = deepFreeze(parseM3u(readM3uFixture('provider-b.m3u')));

function importAll(lineup: Lineup, text: string, options: Parameters<typeof applyImport>[2] = {}) {
  return applyImport(lineup, deepFreeze(parseM3u(text)), options);
}

describe('applyImport', () => {
  it('imports provider A into an empty lineup and reports what it did', () => {
    const { lineup, report } = applyImport(empty, providerA);
    expect(report).toEqual({
      entries: 9,
      channelsAdded: 7,
      channelsUpdated: 0,
      sourcesAdded: 8,
      skipped: providerA.skipped,
    });
    expect(lineup.channels.map((channel) => channel.id)).toEqual([
      'bbc-one-hd',
      'itv-1-london',
      'sky-news',
      'euronews-francais',
      'bbc-radio-4',
      'live-provider-a-example-8080-2001-ts',
      'das-erste',
    ]);
    expect(lineup.providers).toEqual(empty.providers);
  });

  it('merges provider B: new sources go to matching channels, new channels at the end, known URLs skipped', () => {
    const { lineup: withA } = applyImport(empty, providerA);
    const before = deepFreeze(withA);
    const { lineup, report } = applyImport(before, providerB);

    expect(report).toEqual({ entries: 5, channelsAdded: 1, channelsUpdated: 2, sourcesAdded: 4, skipped: [] });
    expect(lineup.channels.map((channel) => channel.id)).toEqual([...before.channels.map((c) => c.id), 'channel-4']);
    const bbc = lineup.channels[0];
    expect(bbc?.sources.map((source) => [source.id, source.label, source.url])).toEqual([
      ['s1', 'live.provider-a.example:8080', 'http://live.provider-a.example:8080/live/alice/s3cret/1001.m3u8'],
      ['s2', 'BBC One (backup)', 'http://backup.provider-a.example/hls/bbc1/index.m3u8'],
      ['s3', 'BBC One', 'https://edge1.provider-b.example/bbc1/playlist.m3u8'],
      ['s4', 'BBC One (FHD)', 'https://edge2.provider-b.example/bbc1/playlist.m3u8'],
    ]);
    // The user's name, group and logo stay; provider B does not rename the channel.
    expect(bbc).toMatchObject({ name: 'BBC One HD', group: 'UK | Entertainment', logo: 'http://logos.provider-a.example/bbc1.png' });
    // ITV 1's only URL was already there: the channel object is untouched.
    expect(lineup.channels[1]).toBe(before.channels[1]);
    expect(lineup.channels[2]?.sources.map((source) => source.id)).toEqual(['s1', 's2']);
  });

  it('is idempotent: importing the same playlist again changes nothing', () => {
    const first = applyImport(empty, providerA);
    const again = applyImport(deepFreeze(first.lineup), providerA);
    expect(again.lineup).toEqual(first.lineup);
    expect(again.report).toMatchObject({ entries: 9, channelsAdded: 0, channelsUpdated: 0, sourcesAdded: 0 });
  });

  it('fills a missing group, logo or tvg-id but never overwrites the user\'s', () => {
    const lineup: Lineup = deepFreeze({
      channels: [
        { id: 'mine', name: 'Channel 4', enabled: true, sources: [] },
        { id: 'kept', name: 'Sky News', group: 'My News', enabled: true, sources: [] },
      ],
      providers: [],
    });
    const result = applyImport(lineup, providerB, { groupBy: 'name' });
    expect(result.lineup.channels[0]).toMatchObject({ id: 'mine', group: 'UK', tvgId: 'Channel4.uk' });
    expect(result.lineup.channels[1]).toMatchObject({ id: 'kept', group: 'My News', tvgId: 'Sky.News.uk' });
  });

  it('gives new channels ids that do not clash with the lineup', () => {
    const lineup: Lineup = deepFreeze({
      channels: [{ id: 'channel-4', name: 'Something else', enabled: true, sources: [] }],
      providers: [],
    });
    const { lineup: merged } = applyImport(lineup, providerB);
    expect(merged.channels.map((channel) => channel.id)).toEqual([
      'channel-4',
      'bbc-one',
      'itv-1',
      'channel-4-2',
      'sky-news',
    ]);
  });

  it('replace: the channels become the imported ones, providers stay', () => {
    const { lineup: withA } = applyImport(empty, providerA);
    const { lineup, report } = applyImport(deepFreeze(withA), providerB, { mode: 'replace' });
    expect(lineup.channels.map((channel) => [channel.id, channel.sources.length])).toEqual([
      ['bbc-one', 2],
      ['itv-1', 1],
      ['channel-4', 1],
      ['sky-news', 1],
    ]);
    expect(lineup.providers).toEqual(empty.providers);
    expect(report).toEqual({ entries: 5, channelsAdded: 4, channelsUpdated: 0, sourcesAdded: 5, skipped: [] });
  });

  it('stops at 200 sources per channel and reports the entries left out', () => {
    const text = ['#EXTM3U', ...Array.from({ length: 205 }, (_, i) => `#EXTINF:-1,Same Name\nhttp://cdn.example/${i}.m3u8`)].join('\n');
    const { lineup, report } = importAll(empty, text);
    expect(lineup.channels).toHaveLength(1);
    expect(lineup.channels[0]?.sources).toHaveLength(200);
    expect(report).toMatchObject({ entries: 205, channelsAdded: 1, sourcesAdded: 200 });
    expect(report.skipped).toEqual([402, 404, 406, 408, 410].map((line) => ({ line, reason: '"Same Name" already has 200 sources' })));

    const more = importAll(lineup, '#EXTM3U\n#EXTINF:-1,Same Name\nhttp://cdn.example/extra.m3u8');
    expect(more.lineup.channels[0]?.sources).toHaveLength(200);
    expect(more.report).toMatchObject({ channelsUpdated: 0, sourcesAdded: 0, skipped: [{ line: 2, reason: '"Same Name" already has 200 sources' }] });
  });

  it('groupBy name keeps differently named entries apart', () => {
    const { lineup } = applyImport(empty, providerB, { groupBy: 'name' });
    expect(lineup.channels.map((channel) => channel.name)).toEqual(['BBC One', 'BBC One (FHD)', 'ITV 1', 'Channel 4', 'Sky News']);
  });

  it.each([
    ['an HTML error page', readM3uFixture('error-page.m3u'), [1, 1, 2, 3, 4]],
    ['an empty file', '', [1]],
    ['only broken entries', '#EXTM3U\n#EXTINF:-1,A\nrtmp://x.example/a\n#EXTINF:-1,B\n', [3, 4]],
  ])('never half-applies: %s throws import-invalid with the report and changes nothing', (_title, text, lines) => {
    const { lineup: withA } = applyImport(empty, providerA);
    const before = deepFreeze(withA);
    const snapshot = structuredClone(before);
    let thrown: unknown;
    try {
      importAll(before, text, { mode: 'replace' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ImportError);
    const error = thrown as ImportError;
    expect(isRelayError(error)).toBe(true);
    expect(error.code).toBe('import-invalid');
    expect(error.toInfo()).toEqual({ code: 'import-invalid', message: error.message });
    expect(error.message).toContain(`line ${lines[0]}:`);
    expect(error.message).toContain('Nothing was imported');
    expect(error.report).toMatchObject({ entries: 0, channelsAdded: 0, channelsUpdated: 0, sourcesAdded: 0 });
    expect(error.report.skipped.map((skipped) => skipped.line)).toEqual(lines);
    expect(before).toEqual(snapshot);
  });

  it('merge keeps every existing channel and source as it was, and ids stay unique (property)', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '#EXTINF:-1 tvg-id="BBCOne.uk",BBC One',
        '#EXTINF:-1 tvg-id="bbcone.uk",BBC One HD',
        '#EXTINF:-1,Sky News',
        '#EXTINF:-1 tvg-id="Channel4.uk",Channel 4',
        '#EXTINF:-1,ITV 1, London',
        '#EXTVLCOPT:http-user-agent=Test/1.0',
        'rtmp://bad.example/x',
      ),
      fc.integer({ min: 1, max: 6 }).map((n) => `http://cdn${n % 3}.example/live/${n}.m3u8`),
      fc.constant('http://live.provider-a.example:8080/live/alice/s3cret/1001.m3u8'),
    );
    const { lineup: base } = applyImport(empty, providerA);
    const before = deepFreeze(base);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('tvg-id' as const, 'name' as const), (lines, groupBy) => {
        const parsed = parseM3u(['#EXTM3U', ...lines].join('\n'));
        if (parsed.entries.length === 0) {
          expect(() => applyImport(before, parsed, { groupBy })).toThrow(ImportError);
          return;
        }
        const { lineup, report } = applyImport(before, parsed, { groupBy });
        expect(lineup.channels.length).toBe(before.channels.length + report.channelsAdded);
        before.channels.forEach((channel, index) => {
          const after = lineup.channels[index];
          expect(after?.id).toBe(channel.id);
          expect(after?.sources.slice(0, channel.sources.length)).toEqual(channel.sources);
        });
        const ids = lineup.channels.map((channel) => channel.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const channel of lineup.channels) {
          const urls = channel.sources.map((source) => source.url);
          expect(new Set(urls).size).toBe(urls.length);
          const sourceIds = channel.sources.map((source) => source.id);
          expect(new Set(sourceIds).size).toBe(sourceIds.length);
        }
        const total = (l: Lineup): number => l.channels.reduce((sum, channel) => sum + channel.sources.length, 0);
        expect(total(lineup)).toBe(total(before) + report.sourcesAdded);
      }),
      { numRuns: 300 },
    );
  });
});
