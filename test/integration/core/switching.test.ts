import { afterEach, describe, expect, it } from 'vitest';
import type { SwitchOutcome } from '../../../src-main/shared/relay-client.js';
import { followRelay } from '../../helpers/follow-relay.js';
import { fixtureIdentifier, isSuccessor } from '../../helpers/identify-segments.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('switching sources while a player follows the channel', () => {
  it('switches a→b→a with continuous sequence numbers and a discontinuity exactly at each switch', async () => {
    harness = await startHarness({ channels: [sourceChannel('news', ['a', 'b'])] });
    const identify = await fixtureIdentifier(['a', 'b']);
    const outcomes: SwitchOutcome[] = [];
    const plan = [
      { after: 8, to: 'b' },
      { after: 18, to: 'a' },
    ];
    const result = await followRelay(harness, 'news', {
      timeoutMs: 30_000,
      done: (r) => r.segments.length >= 28,
      onPoll: async (r) => {
        const next = plan[outcomes.length];
        if (next && r.segments.length >= next.after) {
          const response = await harness!.api('POST', '/api/channels/news/switch', { sourceId: next.to });
          expect(response.status).toBe(200);
          outcomes.push(response.json as SwitchOutcome);
        }
      },
    });
    expect(result.failures).toEqual([]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      expect(outcome.switch?.latencyMs).toBeGreaterThanOrEqual(0);
      console.log(`switch ${outcome.switch?.from}→${outcome.switch?.to}: ${outcome.switch?.latencyMs} ms`);
    }

    const seqs = result.segments.map((segment) => segment.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    const identities = result.segments.map((segment) => identify(segment.bytes));
    expect(identities.every((identity) => identity !== null)).toBe(true);
    const sources = identities.map((identity) => identity!.sourceId).join('');
    // One run of a, one of b, one of a: no segment of the old source after a switch.
    expect(sources).toMatch(/^a+b+a+$/);

    result.segments.forEach((segment, index) => {
      if (index === 0) return;
      const previous = identities[index - 1]!;
      const current = identities[index]!;
      // A discontinuity exactly where the source changes (or the origin's own fixture loop restarts).
      const expected = previous.sourceId !== current.sourceId || !isSuccessor(previous, current) || current.index === 0;
      expect(segment.discontinuity, `discontinuity before seq ${segment.seq} (${current.sourceId}#${current.index})`).toBe(expected);
    });
  });

  it('keeps the old source and reports why when the new source refuses, is corrupt, or says nothing', async () => {
    harness = await startHarness({
      channels: [sourceChannel('news', ['a'])],
      tuning: { switchTimeoutMs: 2000 },
      origin: {
        sources: ['a', 'b', 'c'],
        fault: (request) =>
          request.sourceId === 'b' && request.kind === 'segment'
            ? { corruptSyncByte: true }
            : request.sourceId === 'c'
              ? { delayMs: 60_000 }
              : undefined,
      },
    });
    const identify = await fixtureIdentifier(['a', 'b', 'c']);
    await harness.playlist('news');
    const attempts = [
      { url: 'http://127.0.0.1:9/refused.m3u8', message: /refused/ },
      { url: `${harness.origin.url}/b/index.m3u8`, message: /sync byte/ },
      { url: `${harness.origin.url}/c/index.m3u8`, message: /within 2 s/ },
    ];
    for (const attempt of attempts) {
      const response = await harness.api('POST', '/api/channels/news/switch', { url: attempt.url });
      expect(response.status, attempt.url).toBe(502);
      expect(response.json).toMatchObject({ ok: false, code: 'switch-failed', channel: { activeSourceId: 'a' } });
      expect((response.json as { message: string }).message).toMatch(attempt.message);
    }
    // The player still gets source A, and never a segment of a failed source.
    const playlist = await harness.playlist('news');
    for (const listed of playlist.segments) {
      const { body } = await harness.fetchBytes(listed.uri);
      expect(identify(body)?.sourceId).toBe('a');
    }
    const timeline = await harness.api('GET', '/api/channels/news/timeline');
    const kinds = (timeline.json as { events: { kind: string }[] }).events.map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'switch-failed')).toHaveLength(3);
  });
});
