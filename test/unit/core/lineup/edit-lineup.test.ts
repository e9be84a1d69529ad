import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelPatch } from '../../../../src-main/shared/relay-client.js';
import type { Lineup } from '../../../../src-main/shared/lineup-types.js';
import { RelayError } from '../../../../src-main/core/errors.js';
import {
  addChannel,
  findChannel,
  moveChannel,
  removeChannel,
  setActiveSource,
  updateChannel,
} from '../../../../src-main/core/lineup/edit-lineup.js';
import { deepFreeze } from './m3u-fixtures.js';

const lineup: Lineup = deepFreeze({
  channels: [
    {
      id: 'news',
      name: 'News',
      group: 'Info',
      enabled: true,
      sources: [
        { id: 's1', url: 'http://a.example/news.m3u8', label: 'a.example' },
        { id: 's2', url: 'http://b.example/news.m3u8' },
        { id: 's3', url: 'http://c.example/news.m3u8' },
      ],
      activeSourceId: 's2',
      pinned: true,
    },
    { id: 'sport', name: 'Sport', enabled: true, sources: [{ id: 's1', url: 'http://a.example/sport.m3u8' }] },
    { id: 'kids', name: 'Kids', enabled: false, sources: [] },
  ],
  providers: [{ id: 'acme', maxConnections: 2 }],
});

const ids = (l: Lineup): string[] => l.channels.map((channel) => channel.id);
const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).code;
  }
  throw new Error('expected a RelayError');
};

describe('addChannel', () => {
  it('appends a channel with an id from its name and source ids s1, s2 …', () => {
    const next = addChannel(lineup, { name: 'Film 4 (HD)', sources: [{ url: 'https://a.example/f4.m3u8' }, { url: 'https://b.example/f4.m3u8', label: 'Backup' }] });
    expect(next.channels.at(-1)).toEqual({
      id: 'film-4-hd',
      name: 'Film 4 (HD)',
      enabled: true,
      sources: [
        { id: 's1', url: 'https://a.example/f4.m3u8' },
        { id: 's2', url: 'https://b.example/f4.m3u8', label: 'Backup' },
      ],
    });
    expect(next.providers).toBe(lineup.providers);
    expect(ids(lineup)).toEqual(['news', 'sport', 'kids']);
  });

  it('suffixes a derived id that is taken, and refuses an explicit id that is taken', () => {
    expect(addChannel(lineup, { name: 'NEWS', sources: [] }).channels.at(-1)?.id).toBe('news-2');
    expect(codeOf(() => addChannel(lineup, { id: 'news', name: 'Other news', sources: [] }))).toBe('channel-exists');
    expect(addChannel(lineup, { id: 'news-uk', name: 'News', sources: [] }).channels.at(-1)?.id).toBe('news-uk');
  });

  it('keeps given source ids and numbers the others past them', () => {
    const next = addChannel(lineup, {
      name: 'Mixed',
      sources: [{ url: 'http://a.example/1' }, { id: 's1', url: 'http://a.example/2' }, { id: 'backup', url: 'http://a.example/3' }],
    });
    expect(next.channels.at(-1)?.sources.map((source) => source.id)).toEqual(['s2', 's1', 'backup']);
  });

  it('accepts a channel with no sources (it cannot play until one is added) and honours enabled', () => {
    expect(addChannel(lineup, { name: 'Later', enabled: false, sources: [] }).channels.at(-1)).toEqual({
      id: 'later',
      name: 'Later',
      enabled: false,
      sources: [],
    });
  });

  it.each<[string, unknown, string]>([
    ['a file: URL', { name: 'X', sources: [{ url: 'file:///etc/passwd' }] }, 'invalid-url'],
    ['a data: URL', { name: 'X', sources: [{ url: 'data:,x' }] }, 'invalid-url'],
    ['a header with CRLF', { name: 'X', sources: [{ url: 'http://a.example/', headers: { Referer: 'x\r\nHost: y' } }] }, 'bad-request'],
    ['a name of the wrong type', { name: ['X'], sources: [] }, 'bad-request'],
    ['a bad id', { id: 'Bad/Id', name: 'X', sources: [] }, 'bad-request'],
    ['nothing', undefined, 'bad-request'],
  ])('rejects %s as untrusted input', (_title, input, code) => {
    expect(codeOf(() => addChannel(lineup, input as ChannelInput))).toBe(code);
  });
});

describe('updateChannel', () => {
  it('changes only the fields in the patch; null clears group and logo', () => {
    const next = updateChannel(lineup, 'news', { name: 'World News', group: null, enabled: false });
    expect(next.channels[0]).toEqual({ ...lineup.channels[0], name: 'World News', group: undefined, enabled: false });
    expect(next.channels[0]).not.toHaveProperty('group');
    expect(next.channels[1]).toBe(lineup.channels[1]);
  });

  it('sets the variant preference (audio language included) and clears it with null', () => {
    const set = updateChannel(lineup, 'news', { variant: { maxHeight: 720, audioLanguage: 'de' } });
    expect(set.channels[0]?.variant).toEqual({ maxHeight: 720, audioLanguage: 'de' });
    expect(updateChannel(set, 'news', { variant: null }).channels[0]).not.toHaveProperty('variant');
    expect(codeOf(() => updateChannel(lineup, 'news', { variant: { audioLanguage: 'de AT' } }))).toBe('bad-request');
  });

  it('replaces the source list: given ids kept, new ones never reuse a removed id', () => {
    const next = updateChannel(lineup, 'news', {
      sources: [{ id: 's3', url: 'http://c.example/news.m3u8' }, { id: 's2', url: 'http://b.example/news.m3u8' }, { url: 'http://d.example/news.m3u8' }],
    });
    expect(next.channels[0]?.sources.map((source) => [source.id, source.url])).toEqual([
      ['s3', 'http://c.example/news.m3u8'],
      ['s2', 'http://b.example/news.m3u8'],
      ['s4', 'http://d.example/news.m3u8'],
    ]);
    // The active source is still there: it stays active and pinned.
    expect(next.channels[0]).toMatchObject({ activeSourceId: 's2', pinned: true });
  });

  it('falls back to the first source and drops the pin when the active source is removed', () => {
    const next = updateChannel(lineup, 'news', { sources: [{ id: 's3', url: 'http://c.example/news.m3u8' }, { id: 's1', url: 'http://a.example/news.m3u8' }] });
    expect(next.channels[0]).toMatchObject({ activeSourceId: 's3', pinned: false });
    const pinnedAnyway = updateChannel(lineup, 'news', { pinned: true, sources: [{ id: 's1', url: 'http://a.example/news.m3u8' }] });
    expect(pinnedAnyway.channels[0]).toMatchObject({ activeSourceId: 's1', pinned: true });
  });

  it('leaves no active source when every source is removed', () => {
    const next = updateChannel(lineup, 'news', { sources: [] });
    expect(next.channels[0]?.sources).toEqual([]);
    expect(next.channels[0]).not.toHaveProperty('activeSourceId');
  });

  it.each<[string, string, unknown, string]>([
    ['an unknown channel', 'nope', { name: 'x' }, 'channel-not-found'],
    ['an id of the wrong type', 42 as unknown as string, { name: 'x' }, 'channel-not-found'],
    ['an empty name', 'news', { name: '' }, 'bad-request'],
    ['a javascript: logo', 'news', { logo: 'javascript:alert(1)' }, 'invalid-url'],
    ['a source with a file: URL', 'news', { sources: [{ url: 'file:///etc/passwd' }] }, 'invalid-url'],
    ['a field that cannot be patched', 'news', { id: 'renamed' }, 'bad-request'],
    ['a patch that is not an object', 'news', 'enabled=false', 'bad-request'],
  ])('rejects %s', (_title, id, patch, code) => {
    expect(codeOf(() => updateChannel(lineup, id, patch as ChannelPatch))).toBe(code);
  });
});

describe('removeChannel', () => {
  it('removes the channel and nothing else', () => {
    expect(ids(removeChannel(lineup, 'sport'))).toEqual(['news', 'kids']);
    expect(codeOf(() => removeChannel(lineup, 'sport-2'))).toBe('channel-not-found');
  });
});

describe('moveChannel', () => {
  it.each<[string, number, string[]]>([
    ['news', 2, ['sport', 'kids', 'news']],
    ['kids', 0, ['kids', 'news', 'sport']],
    ['sport', 1, ['news', 'sport', 'kids']],
    ['news', 99, ['sport', 'kids', 'news']],
    ['kids', -5, ['kids', 'news', 'sport']],
  ])('moves %s to %i', (id, toIndex, order) => {
    expect(ids(moveChannel(lineup, id, toIndex))).toEqual(order);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, '1'])('rejects the position %j', (toIndex) => {
    expect(codeOf(() => moveChannel(lineup, 'news', toIndex as number))).toBe('bad-request');
  });

  it('reports an unknown channel', () => {
    expect(codeOf(() => moveChannel(lineup, 'nope', 0))).toBe('channel-not-found');
  });
});

describe('setActiveSource', () => {
  it('sets the active source and the pin', () => {
    expect(setActiveSource(lineup, 'news', 's3', false).channels[0]).toMatchObject({ activeSourceId: 's3', pinned: false });
    expect(setActiveSource(lineup, 'sport', 's1', true).channels[1]).toMatchObject({ activeSourceId: 's1', pinned: true });
  });

  it.each<[string, string, unknown, string]>([
    ['nope', 's1', true, 'channel-not-found'],
    ['news', 's9', true, 'source-not-found'],
    ['kids', 's1', true, 'source-not-found'],
    ['news', 's1', 'yes', 'bad-request'],
  ])('rejects channel %s source %s pinned %j', (channelId, sourceId, pinned, code) => {
    expect(codeOf(() => setActiveSource(lineup, channelId, sourceId, pinned as boolean))).toBe(code);
  });
});

describe('findChannel', () => {
  it('finds a channel and its position', () => {
    expect(findChannel(lineup, 'sport')).toEqual({ index: 1, channel: lineup.channels[1] });
  });
});

describe('a random sequence of edits (property)', () => {
  const url = fc.integer({ min: 1, max: 5 }).map((n) => `http://cdn${n}.example/live.m3u8`);
  const sourceInput = fc.record({ url, id: fc.option(fc.constantFrom('s1', 's2', 's3', 'main'), { nil: undefined }) }, { requiredKeys: ['url'] });
  const channelId = fc.constantFrom('news', 'sport', 'kids', 'film', 'film-2', 'nope');
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom('Film', 'film', 'News', '★', 'Sport'), sources: fc.array(sourceInput, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('update' as const), id: channelId, sources: fc.array(sourceInput, { maxLength: 4 }), pinned: fc.option(fc.boolean(), { nil: undefined }) }),
    fc.record({ kind: fc.constant('remove' as const), id: channelId }),
    fc.record({ kind: fc.constant('move' as const), id: channelId, toIndex: fc.integer({ min: -2, max: 8 }) }),
    fc.record({ kind: fc.constant('activate' as const), id: channelId, sourceId: fc.constantFrom('s1', 's2', 's3', 's4', 'main'), pinned: fc.boolean() }),
  );

  it('only ever throws RelayError and keeps ids unique and the active source real', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 25 }), (edits) => {
        let current = lineup;
        for (const step of edits) {
          const before = current;
          try {
            if (step.kind === 'add') current = addChannel(current, { name: step.name, sources: step.sources });
            else if (step.kind === 'update') {
              current = updateChannel(current, step.id, { sources: step.sources, ...(step.pinned !== undefined && { pinned: step.pinned }) });
            } else if (step.kind === 'remove') current = removeChannel(current, step.id);
            else if (step.kind === 'move') current = moveChannel(current, step.id, step.toIndex);
            else current = setActiveSource(current, step.id, step.sourceId, step.pinned);
          } catch (error) {
            expect(error).toBeInstanceOf(RelayError);
            expect(current).toBe(before);
          }
          const channelIds = ids(current);
          expect(new Set(channelIds).size).toBe(channelIds.length);
          for (const channel of current.channels) {
            const sourceIds = channel.sources.map((source) => source.id);
            expect(new Set(sourceIds).size).toBe(sourceIds.length);
            if (channel.activeSourceId !== undefined) expect(sourceIds).toContain(channel.activeSourceId);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
