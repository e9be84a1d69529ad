import { describe, expect, it } from 'vitest';
import { buildStartLineup } from '../../../src-main/cli/build-start-lineup.js';
import type { ChannelConfig, Lineup } from '../../../src-main/shared/lineup-types.js';

const NEWS: ChannelConfig = {
  id: 'news',
  name: 'News',
  enabled: true,
  sources: [
    { id: 's1', url: 'http://a.example/news.m3u8', label: 'A' },
    { id: 's2', url: 'http://b.example/news.m3u8' },
  ],
  activeSourceId: 's1',
};
const SPORT: ChannelConfig = { id: 'sport', name: 'Sport', enabled: false, sources: [{ id: 's1', url: 'http://a.example/sport.m3u8' }] };
const DEMO: ChannelConfig = { id: 'demo', name: 'Demo', enabled: true, sources: [{ id: 'a', url: 'http://127.0.0.1:9/a/index.m3u8' }] };
const SAVED: Lineup = { channels: [NEWS, SPORT], providers: [{ id: 'acme', maxConnections: 2 }] };

describe('buildStartLineup', () => {
  it('starts from the saved lineup as it is', () => {
    expect(buildStartLineup(SAVED, { channel: 'default' })).toEqual(SAVED);
  });

  it('adds a --url channel with its URL as the active source', () => {
    const lineup = buildStartLineup({ channels: [], providers: [] }, { url: 'http://x.example/live.m3u8', channel: 'default' });
    expect(lineup.channels).toEqual([
      { id: 'default', name: 'default', enabled: true, sources: [{ id: 's1', url: 'http://x.example/live.m3u8' }], activeSourceId: 's1' },
    ]);
  });

  it('makes a known URL of a saved channel active, keeping its sources', () => {
    const lineup = buildStartLineup(SAVED, { url: 'http://b.example/news.m3u8', channel: 'news' });
    expect(lineup.channels[0]).toEqual({ ...NEWS, activeSourceId: 's2' });
    expect(lineup.channels[1]).toEqual(SPORT);
  });

  it('adds a new URL to a saved channel as its next source and makes it active', () => {
    const lineup = buildStartLineup(SAVED, { url: 'http://c.example/news.m3u8', channel: 'news' });
    expect(lineup.channels[0]).toEqual({ ...NEWS, sources: [...NEWS.sources, { id: 's3', url: 'http://c.example/news.m3u8' }], activeSourceId: 's3' });
    expect(lineup.channels.map((channel) => channel.id)).toEqual(['news', 'sport']);
  });

  it('leaves the saved lineup untouched', () => {
    const copy = structuredClone(SAVED);
    buildStartLineup(SAVED, { url: 'http://c.example/news.m3u8', channel: 'news' }, DEMO);
    expect(SAVED).toEqual(copy);
  });

  it('adds the demo channel once, after the others', () => {
    expect(buildStartLineup(SAVED, { channel: 'default' }, DEMO).channels.map((channel) => channel.id)).toEqual(['news', 'sport', 'demo']);
    const withDemo = { ...SAVED, channels: [...SAVED.channels, DEMO] };
    expect(buildStartLineup(withDemo, { channel: 'default' }, DEMO).channels.map((channel) => channel.id)).toEqual(['news', 'sport', 'demo']);
  });

  it('keeps the providers', () => {
    expect(buildStartLineup(SAVED, { url: 'http://x.example/a.m3u8', channel: 'new' }).providers).toEqual(SAVED.providers);
  });

  it.each([['file:///etc/passwd'], ['ftp://x.example/a.m3u8'], ['not a url'], ['http://']])('refuses --url %j with invalid-url', (url) => {
    expect(() => buildStartLineup(SAVED, { url, channel: 'news' })).toThrow(expect.objectContaining({ code: 'invalid-url' }) as unknown as Error);
  });

  it.each([['News'], ['my channel'], [''], ['-x'], ['a'.repeat(65)]])('refuses --channel %j with bad-request', (channel) => {
    expect(() => buildStartLineup(SAVED, { url: 'http://x.example/a.m3u8', channel })).toThrow(expect.objectContaining({ code: 'bad-request' }) as unknown as Error);
  });
});
