import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRelay } from '../../helpers/follow-relay.js';
import { fixtureIdentifier, isSuccessor, type Identify } from '../../helpers/identify-segments.js';
import { pathChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

let harness: Harness;
let identify: Identify;

const channel = pathChannel;

beforeAll(async () => {
  identify = await fixtureIdentifier(['a', 'b', 'c']);
  harness = await startHarness({
    origin: {
      sources: [
        'a',
        'b',
        'c',
        { id: 'abs', fixture: 'a', uriStyle: 'absolute' },
        { id: 'tok', fixture: 'b', uriStyle: 'tokenized' },
        { id: 'root', fixture: 'c', uriStyle: 'root-relative' },
      ],
      variants: [
        { sourceId: 'a', bandwidth: 100_000, resolution: '320x180' },
        { sourceId: 'b', bandwidth: 900_000, resolution: '320x180' },
        { sourceId: 'c', bandwidth: 500_000, resolution: '320x180' },
      ],
    },
    channels: [
      channel('master', '/master.m3u8'),
      channel('absolute', '/abs/index.m3u8'),
      channel('tokenized', '/tok/index.m3u8'),
      channel('rootrel', '/root/index.m3u8'),
      channel('redirected', '/redirect/a/index.m3u8'),
    ],
  });
});
afterAll(() => harness.close());

async function relayedSources(channelId: string, count: number): Promise<string> {
  const result = await followRelay(harness, channelId, { done: (r) => r.segments.length >= count, timeoutMs: 20_000 });
  expect(result.failures).toEqual([]);
  const identities = result.segments.map((segment) => identify(segment.bytes));
  identities.forEach((identity, index) => {
    expect(identity).not.toBeNull();
    if (index > 0 && identity!.index !== 0) expect(isSuccessor(identities[index - 1]!, identity!)).toBe(true);
  });
  return [...new Set(identities.map((identity) => identity!.sourceId))].join(',');
}

describe('upstream playlist flavours', () => {
  it('follows the highest-bandwidth variant of a master playlist', async () => {
    expect(await relayedSources('master', 8)).toBe('b');
    const masterLoads = harness.origin.requests.filter((request) => request.kind === 'master').length;
    // The variant is chosen once and its media playlist reloaded directly.
    expect(masterLoads).toBe(1);
  });

  it('resolves absolute, tokenized and root-relative segment URIs', async () => {
    const [absolute, tokenized, rootRelative] = await Promise.all([
      relayedSources('absolute', 8),
      relayedSources('tokenized', 8),
      relayedSources('rootrel', 8),
    ]);
    expect([absolute, tokenized, rootRelative]).toEqual(['a', 'b', 'c']);
    const rejected = harness.origin.requests.filter((request) => request.sourceId === 'tok' && request.status === 403);
    expect(rejected).toEqual([]);
  });

  it('follows a redirect once and then asks the final URL directly', async () => {
    expect(await relayedSources('redirected', 8)).toBe('a');
    const redirects = harness.origin.requests.filter((request) => request.path.startsWith('/redirect/'));
    expect(redirects).toHaveLength(1);
  });
});
