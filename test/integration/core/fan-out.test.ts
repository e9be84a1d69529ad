import { afterEach, describe, expect, it } from 'vitest';
import { readPlaylist } from '../../helpers/read-playlist.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('many players on one channel', () => {
  it('gives 50 concurrent players identical bytes from one upstream GET per segment over reused connections', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a'])] });
    const h = harness;
    const players = 50;
    const perPlayer = await Promise.all(
      Array.from({ length: players }, async (_, player) => {
        const got = new Map<number, Buffer>();
        const deadline = Date.now() + 8000;
        while (Date.now() < deadline) {
          const response = await fetch(`${h.baseUrl}/stream/news`, { headers: { 'user-agent': `player-${player}` } });
          const playlist = readPlaylist(await response.text());
          for (const segment of playlist.segments) {
            if (got.has(segment.seq)) continue;
            const bytes = await fetch(`${h.baseUrl}${segment.uri}`, { headers: { 'user-agent': `player-${player}` } });
            expect(bytes.status).toBe(200);
            got.set(segment.seq, Buffer.from(await bytes.arrayBuffer()));
          }
          await new Promise((resolve) => setTimeout(resolve, 300 + (player % 7) * 20));
        }
        return got;
      }),
    );
    const reference = perPlayer[0]!;
    expect(reference.size).toBeGreaterThan(12);
    for (const got of perPlayer) {
      for (const [seq, bytes] of got) {
        if (reference.has(seq)) expect(bytes.equals(reference.get(seq)!)).toBe(true);
      }
    }
    const gets = [...h.origin.segmentGets('a').values()];
    expect(gets.every((count) => count === 1)).toBe(true);
    const stats = h.relay.upstreamStats();
    console.log(`${players} players, ${gets.length} upstream segments, ${stats.requests} upstream requests over ${h.origin.connectionsOpened} connections`);
    // One channel fetches one thing at a time: keep-alive keeps it on one or two connections.
    expect(h.origin.connectionsOpened).toBeLessThanOrEqual(2);
    const snapshot = (await h.api('GET', '/api/channels/news')).json as { health: { clients: number } };
    expect(snapshot.health.clients).toBe(players);
  });
});
