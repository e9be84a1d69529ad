import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../src-main/shared/import-types.js';
import type { ChannelSnapshot } from '../../../src-main/shared/relay-types.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b', 'c'])] });
});
afterAll(() => harness.close());

const channelIds = async () => ((await harness.api('GET', '/api/channels')).json as { channels: ChannelSnapshot[] }).channels.map((c) => c.id);

function providerM3u(entries: number): string {
  const lines = ['#EXTM3U url-tvg="http://epg.example/guide.xml"'];
  for (let index = 0; index < entries; index += 1) {
    const channel = Math.floor(index / 2);
    lines.push(`#EXTINF:-1 tvg-id="ch${channel}.example" tvg-name="Channel ${channel}" tvg-logo="http://logo.example/${channel}.png" group-title="Group ${channel % 40}",Channel ${channel}`);
    if (index % 2 === 1) lines.push('#EXTVLCOPT:http-user-agent=Backup/1.0');
    lines.push(`http://iptv${index % 2}.example/live/${channel}/index.m3u8?token=abc${index}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

describe('lineup through the control API', () => {
  it('imports a 10 000-entry provider M3U as 5 000 channels with two sources each', async () => {
    const started = Date.now();
    const response = await harness.api('POST', '/api/import', { text: providerM3u(10_000), mode: 'merge' });
    console.log(`import of 10 000 entries over HTTP: ${Date.now() - started} ms`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ entries: 10_000, channelsAdded: 5000, sourcesAdded: 10_000, skipped: [] });
    const ids = await channelIds();
    expect(ids).toHaveLength(5001);
    const one = (await harness.api('GET', `/api/channels/${ids[1]}`)).json as ChannelSnapshot;
    expect(one).toMatchObject({ name: 'Channel 0', group: 'Group 0', logo: 'http://logo.example/0.png' });
    expect(one.sources.map((source) => source.userAgent ?? null)).toEqual([null, 'Backup/1.0']);
    const m3u = await harness.fetchBytes('/channels.m3u');
    expect(m3u.body.toString().split('\n').filter((line) => line.startsWith('#EXTINF'))).toHaveLength(5001);
  });

  it('reports malformed lines by number and never half-applies an import', async () => {
    const before = await channelIds();
    const text = ['#EXTM3U', '#EXTINF:-1 tvg-id="x",Good One', 'http://good.example/1.m3u8', '#EXTINF:-1,Local file', 'file:///etc/passwd', '#EXTINF:-1,No URL', '#EXTINF:-1,Good Two', 'http://good.example/2.m3u8'].join('\n');
    const report = (await harness.api('POST', '/api/import', { text })).json as ImportReport;
    expect(report.channelsAdded).toBe(2);
    expect(report.skipped.map((line) => line.line)).toEqual([5, 6]);
    expect(report.skipped[0]!.reason).toMatch(/http/);
    const bad = await harness.api('POST', '/api/import', { text: '<html>502 Bad Gateway</html>' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'import-invalid' }, report: { entries: 0 } });
    expect(await channelIds()).toHaveLength(before.length + 2);
  });

  it('imports from a URL', async () => {
    const server = createServer((_, response) => response.end('#EXTM3U\n#EXTINF:-1 group-title="Web",From The Web\nhttp://web.example/live.m3u8\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const report = (await harness.api('POST', '/api/import', { url: `http://127.0.0.1:${port}/list.m3u` })).json as ImportReport;
    server.close();
    expect(report.channelsAdded).toBe(1);
    expect(await channelIds()).toContain('from-the-web');
  });

  it('adds, renames, reorders, disables and removes channels and sources', async () => {
    const added = await harness.api('POST', '/api/channels', { name: 'Late Movie', sources: [{ url: 'http://m.example/a.m3u8', label: 'main' }] });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ id: 'late-movie', sources: [{ id: 's1', label: 'main' }] });
    const renamed = await harness.api('PATCH', '/api/channels/late-movie', {
      name: 'Late Night Movie',
      sources: [{ id: 's1', url: 'http://m.example/a.m3u8', label: 'main' }, { url: 'http://m.example/b.m3u8', label: 'backup', headers: { Referer: 'http://m.example/' } }],
    });
    expect(renamed.json).toMatchObject({ id: 'late-movie', name: 'Late Night Movie', sources: [{ id: 's1' }, { id: 's2', label: 'backup' }] });
    expect((await harness.api('POST', '/api/channels/late-movie/move', { toIndex: 0 })).status).toBe(204);
    expect((await channelIds())[0]).toBe('late-movie');
    await harness.api('PATCH', '/api/channels/late-movie', { enabled: false });
    expect((await harness.fetchBytes('/channels.m3u')).body.toString()).not.toContain('Late Night Movie');
    expect((await harness.fetchBytes('/stream/late-movie')).status).toBe(404);
    expect((await harness.api('DELETE', '/api/channels/late-movie')).status).toBe(204);
    expect(await channelIds()).not.toContain('late-movie');
    const invalid = await harness.api('POST', '/api/channels', { name: 'Bad', sources: [{ url: 'data:text/plain,hi' }] });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ error: { code: 'invalid-url' } });
  });

  it('cycles sources with next and previous', async () => {
    const next = await harness.api('POST', '/api/channels/news/switch', { direction: 'next' });
    expect(next.json).toMatchObject({ ok: true, channel: { activeSourceId: 'b' } });
    const previous = await harness.api('POST', '/api/channels/news/switch', { direction: 'previous' });
    expect(previous.json).toMatchObject({ ok: true, channel: { activeSourceId: 'a' } });
    const wrap = await harness.api('POST', '/api/channels/news/switch', { direction: 'previous' });
    expect(wrap.json).toMatchObject({ ok: true, channel: { activeSourceId: 'c' } });
  });
});
