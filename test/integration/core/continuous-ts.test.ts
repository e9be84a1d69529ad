import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTransportStream } from '../../../src-main/core/media/check-segment.js';
import { loadFixtureSource, type FixtureSource } from '../../../src-main/demo/fixtures.js';
import { nullPackets } from '../../../src-main/core/media/ts-packets.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function open(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).on('error', reject));
}

/** Reads a continuous stream for `ms` (or until it ends), returning what arrived and whether it was cut. */
function readFor(response: IncomingMessage, ms: number): Promise<{ bytes: Buffer; ended: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    const finish = () => {
      clearTimeout(timer);
      response.removeAllListeners('data');
      resolve({ bytes: Buffer.concat(chunks), ended });
    };
    const timer = setTimeout(finish, ms);
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => ((ended = true), finish()));
    response.once('error', () => ((ended = true), finish()));
    response.once('close', () => ((ended = true), finish()));
  });
}

function pids(bytes: Buffer): number[] {
  const result: number[] = [];
  for (let offset = 0; offset + 188 <= bytes.length; offset += 188) result.push(((bytes[offset + 1]! & 0x1f) << 8) | bytes[offset + 2]!);
  return result;
}

describe('continuous MPEG-TS output', () => {
  it('starts each client at the live edge with whole packets, and keeps the connection alive through an outage', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a'])] });
    const playlist = await harness.playlist('news');
    const newest = playlist.segments.at(-1)!;
    const response = await open(`${harness.baseUrl}/stream/news.ts`);
    expect(response.headers['content-type']).toBe('video/mp2t');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const first = await readFor(response, 1500);
    expect(first.bytes.length % 188).toBe(0);
    expect(checkTransportStream(first.bytes)).toEqual({ ok: true });
    const edge = (await harness.fetchBytes(newest.uri)).body;
    const next = (await harness.fetchBytes(newest.uri.replace(/\d+\.ts$/, `${newest.seq + 1}.ts`))).body;
    expect(first.bytes.subarray(0, edge.length).equals(edge) || first.bytes.subarray(0, next.length).equals(next)).toBe(true);

    harness.origin.pause('a');
    const outage = await readFor(response, 4000);
    expect(outage.ended).toBe(false);
    expect(pids(outage.bytes).filter((pid) => pid === 0x1fff).length).toBeGreaterThan(0);
    response.destroy();
  });

  it('drops a client that stops reading instead of queueing without bound, and keeps serving the others', async () => {
    // A 16 Mbit/s source: real fixture segments padded with null packets to 1 MB.
    const fixture = await loadFixtureSource('a');
    const heavy: FixtureSource = {
      ...fixture,
      id: 'heavy',
      segments: fixture.segments.map((segment) => ({ ...segment, bytes: Buffer.concat([segment.bytes, nullPackets(Math.floor((1_000_000 - segment.bytes.length) / 188))]) })),
    };
    harness = await startHarness({
      origin: { sources: [{ id: 'heavy', fixture: heavy }] },
      channels: [sourceChannel('news', ['heavy'])],
      continuousTs: { keepAliveMs: 1000, maxOutageMs: 30_000, maxQueuedBytes: 256 * 1024 },
    });
    await harness.playlist('news');
    const stuck = await open(`${harness.baseUrl}/stream/news.ts`);
    stuck.pause();
    const reader = await open(`${harness.baseUrl}/stream/news.ts`);
    const got = await readFor(reader, 10_000);
    expect(got.ended).toBe(false);
    expect(got.bytes.length).toBeGreaterThan(5_000_000);
    const events = ((await harness.api('GET', '/api/channels/news/timeline')).json as { events: { message: string }[] }).events;
    expect(events.filter((event) => /too slow and was disconnected/.test(event.message))).toHaveLength(1);
    // What the stuck client can still read is bounded (socket buffers), then its stream ends.
    const rest = await readFor((stuck.resume(), stuck), 10_000);
    expect(rest.ended).toBe(true);
    expect(rest.bytes.length).toBeLessThan(got.bytes.length);
    reader.destroy();
  });
});
