import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureSource } from '../../../src-main/demo/fixtures.js';
import { followRelay } from '../../helpers/follow-relay.js';
import { checkBoxes } from '../../../src-main/core/media/check-segment.js';
import { fixtureIdentifier, withoutInitSection, type Identify } from '../../helpers/identify-segments.js';
import { readPlaylist } from '../../helpers/read-playlist.js';
import { pathChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';
import { waitUntil } from '../../helpers/wait-until.js';

const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
let harness: Harness;
let identify: Identify;

const channel = pathChannel;

beforeAll(async () => {
  identify = await fixtureIdentifier(['a', 'b', 'c']);
  const fmp4 = await loadFixtureSource('f');
  harness = await startHarness({
    origin: {
      sources: [
        'a',
        'b',
        'c',
        'f',
        { id: 'enc', fixture: 'a', encryption: { key: KEY, iv: 'implicit' } },
        { id: 'encx', fixture: 'b', encryption: { key: KEY, iv: 'explicit' } },
        { id: 'encf1', fixture: fmp4, encryption: { key: KEY, iv: 'explicit' } },
        { id: 'encf2', fixture: fmp4, encryption: { key: KEY, iv: 'explicit' } },
        { id: 'br', fixture: 'c', byteRange: true },
        { id: 'pdt', fixture: 'a', programDateTime: true },
      ],
      variants: [
        { sourceId: 'a', bandwidth: 100_000, resolution: '320x180' },
        { sourceId: 'b', bandwidth: 900_000, resolution: '1280x720' },
        { sourceId: 'c', bandwidth: 500_000, resolution: '640x360' },
      ],
    },
    channels: [
      channel('enc', '/enc/index.m3u8'),
      channel('encx', '/encx/index.m3u8'),
      channel('fmp4', '/f/index.m3u8'),
      channel('br', '/br/index.m3u8'),
      channel('pdt', '/pdt/index.m3u8'),
      channel('capped', '/master.m3u8', { variant: { maxBandwidth: 600_000 } }),
      { ...channel('mixed', '/f/index.m3u8'), sources: [{ id: 'f', url: '{origin}/f/index.m3u8' }, { id: 'a', url: '{origin}/a/index.m3u8' }] },
      channel('small', '/master.m3u8', { variant: { maxHeight: 200 } }),
      { ...channel('encf', '/encf1/index.m3u8'), sources: [{ id: 'encf1', url: '{origin}/encf1/index.m3u8' }, { id: 'encf2', url: '{origin}/encf2/index.m3u8' }] },
    ],
  });
});
afterAll(() => harness.close());

function decrypt(data: Buffer, iv: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', KEY, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

describe('HLS flavours the relay carries', () => {
  it.each(['enc', 'encx'])('relays AES-128 (%s): key through a relay route, explicit IVs under our own sequence numbers', async (id) => {
    const result = await followRelay(harness, id, { done: (r) => r.segments.length >= 6, timeoutMs: 15_000 });
    expect(result.failures).toEqual([]);
    for (const segment of result.segments) {
      const match = /URI="(\/stream\/[^"]+\/keys\/\d+\.key)",IV=0x([0-9a-f]{32})/.exec(segment.key ?? '');
      expect(match, segment.key ?? 'no key tag').not.toBeNull();
      const key = await harness.fetchBytes(match![1]!);
      expect(key.body.equals(KEY)).toBe(true);
      expect(identify(decrypt(segment.bytes, Buffer.from(match![2]!, 'hex')))).not.toBeNull();
    }
  });

  it('relays fMP4 with its init section, listed again after each discontinuity', async () => {
    const fixture = await loadFixtureSource('f');
    const result = await followRelay(harness, 'fmp4', { done: (r) => r.segments.length >= 6, timeoutMs: 15_000 });
    expect(result.failures).toEqual([]);
    const playlist = result.playlists.at(-1)!;
    expect(playlist.version).toBeGreaterThanOrEqual(6);
    for (const segment of result.segments) {
      expect(segment.uri).toMatch(/\.m4s$/);
      expect(segment.map).toMatch(/^URI="\/stream\/fmp4\/init\/\d+\.mp4"$/);
      // A new run's first segment (the origin loops its fixture) carries the init section in front.
      const carriesInit = segment.bytes.subarray(4, 8).toString('latin1') === 'ftyp';
      expect(carriesInit).toBe(segment.discontinuity);
      expect(fixture.segments.some((s) => s.bytes.equals(withoutInitSection(segment.bytes)))).toBe(true);
    }
    const init = await harness.fetchBytes(/URI="([^"]+)"/.exec(result.segments[0]!.map!)![1]!);
    expect(init.body.equals(fixture.init!)).toBe(true);
    const text = playlist.text.split('\n');
    text.forEach((line, index) => {
      if (line === '#EXT-X-DISCONTINUITY') expect(text.slice(index, index + 4).some((next) => next.startsWith('#EXT-X-MAP'))).toBe(true);
    });
  });

  it('stores the first AES-128 fMP4 segment of a new run decrypted behind its init section, the next one encrypted', async () => {
    const fixture = await loadFixtureSource('f');
    await harness.playlist('encf');
    // The switch makes a new run soon; the origin's own loop makes others.
    expect((await harness.api('POST', '/api/channels/encf/switch', { sourceId: 'encf2' })).status).toBe(200);
    /** The newest run start that has a predecessor and a successor of its own run in the window. */
    const runStart = async () => {
      const playlist = await harness.playlist('encf');
      const index = playlist.segments.findLastIndex((segment, i) => i > 0 && segment.discontinuity && playlist.segments[i + 1]?.discontinuity === false);
      return index < 0 ? null : { playlist, previous: playlist.segments[index - 1]!, first: playlist.segments[index]!, second: playlist.segments[index + 1]! };
    };
    await waitUntil(async () => (await runStart()) !== null, 10_000, 'a new run with two segments');
    const { playlist, previous, first, second } = (await runStart())!;
    const lines = playlist.text.split('\n');
    const tags = lines.slice(lines.indexOf(previous.uri) + 1, lines.indexOf(first.uri));
    // Clear, its init section listed again ahead of any key line; the next segment keyed again.
    expect(first.key).toBeNull();
    const map = tags.findIndex((line) => line.startsWith('#EXT-X-MAP'));
    expect(map).toBeGreaterThanOrEqual(0);
    const none = tags.indexOf('#EXT-X-KEY:METHOD=NONE');
    if (none >= 0) expect(map).toBeLessThan(none);
    const firstBytes = (await harness.fetchBytes(first.uri)).body;
    expect(checkBoxes(firstBytes, ['ftyp', 'moov', 'moof', 'mdat'])).toEqual({ ok: true });
    expect(fixture.segments.some((s) => s.bytes.equals(withoutInitSection(firstBytes)))).toBe(true);
    const key = /URI="([^"]+)",IV=0x([0-9a-f]{32})/.exec(second.key ?? '');
    expect(key, second.key ?? 'no key').not.toBeNull();
    const secondBytes = (await harness.fetchBytes(second.uri)).body;
    expect(fixture.segments.some((s) => s.bytes.equals(decrypt(secondBytes, Buffer.from(key![2]!, 'hex'))))).toBe(true);
  });

  it('turns byte-range segments into whole segments', async () => {
    const result = await followRelay(harness, 'br', { done: (r) => r.segments.length >= 6, timeoutMs: 15_000 });
    expect(result.failures).toEqual([]);
    expect(result.playlists.at(-1)!.text).not.toContain('BYTERANGE');
    for (const segment of result.segments) expect(identify(segment.bytes)?.sourceId).toBe('c');
    expect(harness.origin.requests.some((r) => r.sourceId === 'br' && typeof r.headers.range === 'string')).toBe(true);
  });

  it('carries the upstream program date-time through', async () => {
    const upstream = readPlaylist(await (await fetch(harness.origin.playlistUrl('pdt'))).text());
    const relayed = await harness.playlist('pdt');
    const upstreamDates = new Set(upstream.segments.map((segment) => segment.programDateTime));
    for (const segment of relayed.segments) expect(upstreamDates.has(segment.programDateTime)).toBe(true);
  });

  it('chooses the master playlist variant by the channel preference', async () => {
    const source = async (id: string) => {
      const playlist = await harness.playlist(id);
      return identify((await harness.fetchBytes(playlist.segments.at(-1)!.uri)).body)?.sourceId;
    };
    expect(await source('capped')).toBe('c');
    expect(await source('small')).toBe('a');
  });

  it('gives TS segments after an fMP4 run their own init section, so the fMP4 one no longer applies', async () => {
    await harness.playlist('mixed');
    expect((await harness.api('POST', '/api/channels/mixed/switch', { sourceId: 'a' })).status).toBe(200);
    const playlist = await harness.playlist('mixed');
    const ts = playlist.segments.filter((segment) => segment.uri.endsWith('.ts'));
    expect(ts.length).toBeGreaterThan(0);
    for (const segment of ts) expect(segment.map).toMatch(/^URI="\/stream\/mixed\/init\/\d+\.ts"$/);
    const init = await harness.fetchBytes(/URI="([^"]+)"/.exec(ts[0]!.map!)![1]!);
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('video/mp2t');
    expect(init.body.length).toBe(376);
    expect([init.body[0], init.body[188]]).toEqual([0x47, 0x47]);
  });
});
