import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelConfig } from '../../../../src-main/shared/lineup-types.js';
import { parseM3u } from '../../../../src-main/core/lineup/parse-m3u.js';
import { renderChannelsM3u } from '../../../../src-main/core/lineup/render-channels-m3u.js';

const channel = (extra: Partial<ChannelConfig> & Pick<ChannelConfig, 'id' | 'name'>): ChannelConfig => ({
  enabled: true,
  sources: [{ id: 's1', url: 'http://upstream.example/live.m3u8' }],
  ...extra,
});

describe('renderChannelsM3u', () => {
  it('lists every enabled channel with its relay URL, in lineup order', () => {
    const text = renderChannelsM3u(
      [
        channel({ id: 'bbc-one-hd', name: 'BBC One HD', tvgId: 'BBCOne.uk', logo: 'http://logos.example/bbc1.png', group: 'UK' }),
        channel({ id: 'off', name: 'Switched off', enabled: false }),
        channel({ id: 'itv-1-london', name: 'ITV 1, London' }),
      ],
      'http://127.0.0.1:5000/',
    );
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXTINF:-1 tvg-id="BBCOne.uk" tvg-name="BBC One HD" tvg-logo="http://logos.example/bbc1.png" group-title="UK",BBC One HD',
        'http://127.0.0.1:5000/stream/bbc-one-hd',
        '#EXTINF:-1 tvg-name="ITV 1, London",ITV 1, London',
        'http://127.0.0.1:5000/stream/itv-1-london',
        '',
      ].join('\n'),
    );
  });

  it('renders just the header for no enabled channels', () => {
    expect(renderChannelsM3u([channel({ id: 'a', name: 'A', enabled: false })], 'http://127.0.0.1:5000')).toBe('#EXTM3U\n');
  });

  it('keeps quotes and line breaks from breaking out of an attribute or an entry', () => {
    const text = renderChannelsM3u(
      [
        channel({
          id: 'evil',
          name: 'Evil" group-title="Hijack\r\n#EXTINF:-1,Injected\r\nhttp://evil.example/',
          group: 'G"\nX',
          tvgId: 'id"x',
          logo: 'http://logos.example/a"b.png',
        }),
      ],
      'http://127.0.0.1:5000',
    );
    expect(text.split('\n')).toHaveLength(4);
    const parsed = parseM3u(text);
    expect(parsed.skipped).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 2,
        name: 'Evil" group-title="Hijack #EXTINF:-1,Injected http://evil.example/',
        url: 'http://127.0.0.1:5000/stream/evil',
        tvgId: "id'x",
        tvgName: "Evil' group-title='Hijack #EXTINF:-1,Injected http://evil.example/",
        logo: 'http://logos.example/a%22b.png',
        group: "G' X",
      },
    ]);
  });

  it('round-trips ids, names, groups, logos and tvg-ids through parseM3u (property)', () => {
    // What M3U can carry: no control characters, single spaces, no double quote inside an attribute.
    const carried = (text: string): string => text.replace(/\p{Cc}+/gu, ' ').replace(/\s+/g, ' ').trim();
    const text = fc
      .string({ unit: fc.constantFrom('a', 'Z', '9', ' ', ',', '"', "'", '=', '#', '|', 'é', 'Ж', '😀', '\t', '\n', '\r\n', '&'), minLength: 1, maxLength: 40 })
      .filter((value) => carried(value) !== '');
    const channels = fc.uniqueArray(
      fc.record(
        {
          id: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
          name: text,
          group: text,
          tvgId: text,
          logo: fc.webUrl({ validSchemes: ['http', 'https'] }).filter((url) => !/[\s\p{Cc}"]/u.test(url)),
          enabled: fc.boolean(),
          sources: fc.constant<ChannelConfig['sources']>([]),
        },
        { requiredKeys: ['id', 'name', 'enabled', 'sources'] },
      ),
      { maxLength: 20, selector: (c) => c.id },
    );
    fc.assert(
      fc.property(channels, (list) => {
        const parsed = parseM3u(renderChannelsM3u(list, 'http://127.0.0.1:5000'));
        expect(parsed.skipped).toEqual([]);
        const enabled = list.filter((c) => c.enabled);
        expect(parsed.entries).toHaveLength(enabled.length);
        enabled.forEach((c, index) => {
          const entry = parsed.entries[index];
          expect(entry?.url).toBe(`http://127.0.0.1:5000/stream/${c.id}`);
          expect(entry?.name).toBe(carried(c.name));
          expect(entry?.tvgName).toBe(carried(c.name).replaceAll('"', "'"));
          expect(entry?.group).toBe(c.group === undefined ? undefined : carried(c.group).replaceAll('"', "'"));
          expect(entry?.tvgId).toBe(c.tvgId === undefined ? undefined : carried(c.tvgId).replaceAll('"', "'"));
          expect(entry?.logo).toBe(c.logo);
        });
      }),
      { numRuns: 300 },
    );
  });
});
