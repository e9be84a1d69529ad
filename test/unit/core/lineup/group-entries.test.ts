import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelKey, groupEntries } from '../../../../src-main/core/lineup/group-entries.js';
import { parseM3u, type M3uEntry } from '../../../../src-main/core/lineup/parse-m3u.js';
import { generateProviderPlaylist, readM3uFixture } from './m3u-fixtures.js';

const entry = (line: number, name: string, url: string, extra: Partial<M3uEntry> = {}): M3uEntry => ({
  line,
  name,
  url,
  ...extra,
});

describe('groupEntries', () => {
  const providerA = parseM3u(readM3uFixture('provider-a-crlf-bom.m3u')).entries;

  it('groups provider A by tvg-id: one channel per tvg-id, sources in file order, repeated URLs once', () => {
    const channels = groupEntries(providerA);
    expect(channels.map((channel) => [channel.id, channel.sources.length])).toEqual([
      ['bbc-one-hd', 2],
      ['itv-1-london', 1],
      ['sky-news', 1],
      ['euronews-francais', 1],
      ['bbc-radio-4', 1],
      ['live-provider-a-example-8080-2001-ts', 1],
      ['das-erste', 1],
    ]);
    expect(channels[0]).toEqual({
      id: 'bbc-one-hd',
      name: 'BBC One HD',
      group: 'UK | Entertainment',
      logo: 'http://logos.provider-a.example/bbc1.png',
      tvgId: 'BBCOne.uk',
      enabled: true,
      sources: [
        { id: 's1', url: 'http://live.provider-a.example:8080/live/alice/s3cret/1001.m3u8', label: 'live.provider-a.example:8080' },
        {
          id: 's2',
          url: 'http://backup.provider-a.example/hls/bbc1/index.m3u8',
          label: 'BBC One (backup)',
          userAgent: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)',
          headers: { Referer: 'http://portal.provider-a.example/' },
        },
      ],
    });
  });

  it('groups provider A by name: "BBC One (backup)" becomes its own channel', () => {
    const channels = groupEntries(providerA, { groupBy: 'name' });
    expect(channels.map((channel) => [channel.id, channel.sources.length])).toEqual([
      ['bbc-one-hd', 1],
      ['bbc-one-backup', 1],
      ['itv-1-london', 1],
      ['sky-news', 1],
      ['euronews-francais', 1],
      ['bbc-radio-4', 1],
      ['live-provider-a-example-8080-2001-ts', 1],
      ['das-erste', 1],
    ]);
  });

  it('matches names trimmed and case-insensitively, tvg-ids case-insensitively', () => {
    const entries = [
      entry(1, 'Sky News', 'http://a.example/1', { tvgId: 'SkyNews.uk' }),
      entry(3, '  sky news ', 'http://b.example/2', { tvgId: 'skynews.UK' }),
      entry(5, 'SKY NEWS', 'http://c.example/3'),
    ];
    expect(groupEntries(entries).map((channel) => channel.sources.length)).toEqual([2, 1]);
    expect(groupEntries(entries, { groupBy: 'name' }).map((channel) => channel.sources.length)).toEqual([3]);
  });

  it('keeps an entry with a tvg-id apart from a same-named entry without one (tvg-id mode)', () => {
    expect(channelKey({ name: 'CNN', tvgId: 'cnn' }, 'tvg-id')).not.toBe(channelKey({ name: 'cnn' }, 'tvg-id'));
    expect(channelKey({ name: 'CNN', tvgId: 'cnn.us' }, 'name')).toBe(channelKey({ name: ' cnn ' }, 'name'));
  });

  it('takes group and logo from the first entry that has one, name and tvg-id from the first entry', () => {
    const [channel] = groupEntries([
      entry(1, 'Film4', 'http://a.example/1', { tvgId: 'film4' }),
      entry(3, 'Film 4 HD', 'http://b.example/2', { tvgId: 'film4', group: 'Movies', logo: 'http://l.example/f4.png' }),
      entry(5, 'Film4+1', 'http://c.example/3', { tvgId: 'film4', group: 'Other' }),
    ]);
    expect(channel).toMatchObject({ name: 'Film4', tvgId: 'film4', group: 'Movies', logo: 'http://l.example/f4.png' });
  });

  it('makes ids unique (-2, -3) and avoids ids already taken', () => {
    const entries = [
      entry(1, 'News', 'http://a.example/1', { tvgId: 'news.a' }),
      entry(2, 'News', 'http://a.example/2', { tvgId: 'news.b' }),
      entry(3, 'News!', 'http://a.example/3', { tvgId: 'news.c' }),
    ];
    expect(groupEntries(entries).map((channel) => channel.id)).toEqual(['news', 'news-2', 'news-3']);
    expect(groupEntries(entries, { takenIds: new Set(['news', 'news-3']) }).map((channel) => channel.id)).toEqual([
      'news-2',
      'news-4',
      'news-5',
    ]);
  });

  it('labels sources by their entry name when it differs from the channel name', () => {
    const [channel] = groupEntries([
      entry(1, 'Sport One', 'http://cdn.example/a/1.m3u8', { tvgId: 'sport1' }),
      entry(3, 'Sport One HD', 'http://cdn.example/a/2.m3u8', { tvgId: 'sport1' }),
      entry(5, 'sport one', 'http://other.example/a.m3u8', { tvgId: 'sport1' }),
    ]);
    expect(channel?.sources.map((source) => source.label)).toEqual(['cdn.example', 'Sport One HD', 'other.example']);
  });

  it('labels sources by host, numbering a host used twice in one channel', () => {
    const [channel] = groupEntries([
      entry(1, 'A', 'http://cdn.example/a/1.m3u8'),
      entry(3, 'A', 'http://cdn.example/a/2.m3u8'),
      entry(5, 'A', 'https://other.example:8443/a.m3u8'),
    ]);
    expect(channel?.sources.map((source) => [source.id, source.label])).toEqual([
      ['s1', 'cdn.example'],
      ['s2', 'cdn.example (2)'],
      ['s3', 'other.example:8443'],
    ]);
  });

  it('falls back to a slug of the tvg-id, then "channel", for names with no Latin letters', () => {
    const channels = groupEntries([
      entry(1, '中央电视台', 'http://a.example/1', { tvgId: 'CCTV1.cn' }),
      entry(2, '凤凰卫视', 'http://a.example/2'),
      entry(3, '东方卫视', 'http://a.example/3'),
    ]);
    expect(channels.map((channel) => channel.id)).toEqual(['cctv1-cn', 'channel', 'channel-2']);
  });

  it('groups 10 000 generated entries into the expected channels', () => {
    const { entries } = parseM3u(generateProviderPlaylist(10_000));
    const channels = groupEntries(entries);
    // Every third entry repeats the tvg-id before it: 2 channels per 3 entries, plus the last one.
    expect(channels).toHaveLength(6667);
    expect(channels[1]?.sources.map((source) => source.url)).toEqual([
      'http://live.provider.example:8080/live/user/pass/1.m3u8',
      'http://live.provider.example:8080/live/user/pass/2.m3u8',
    ]);
    expect(new Set(channels.map((channel) => channel.id)).size).toBe(channels.length);
  });

  it('always yields the same, unique, URL-safe ids for the same entries (property)', () => {
    const names = fc.constantFrom('News', 'news', 'NEWS ', 'Sport', 'Спорт', 'Sport+', '中文', 'Canal+', 'A & B', '---');
    const entries = fc.array(
      fc.record({
        name: names,
        tvgId: fc.option(fc.constantFrom('a', 'A', 'b', 'c.d'), { nil: undefined }),
        url: fc.constantFrom('http://a.example/1', 'http://a.example/2', 'https://b.example/3'),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(entries, fc.constantFrom('tvg-id' as const, 'name' as const), (raw, groupBy) => {
        const list = raw.map((item, index) =>
          entry(index + 1, item.name, item.url, item.tvgId === undefined ? {} : { tvgId: item.tvgId }),
        );
        const first = groupEntries(list, { groupBy });
        expect(groupEntries(list, { groupBy })).toEqual(first);
        const ids = first.map((channel) => channel.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const channel of first) {
          expect(channel.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          const urls = channel.sources.map((source) => source.url);
          expect(new Set(urls).size).toBe(urls.length);
          expect(channel.sources.map((source) => source.id)).toEqual(urls.map((_, i) => `s${i + 1}`));
        }
        // No entry is lost: every (channel key, URL) pair appears exactly once.
        const pairs = new Set(list.map((item) => `${channelKey(item, groupBy)} ${item.url}`));
        expect(first.reduce((sum, channel) => sum + channel.sources.length, 0)).toBe(pairs.size);
      }),
      { numRuns: 300 },
    );
  });
});
