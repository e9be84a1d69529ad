import { describe, expect, it } from 'vitest';
import { resolveSwitchTarget, sourceLabel } from '../../../../src-main/core/channel/resolve-switch-target.js';
import type { SwitchTarget } from '../../../../src-main/shared/relay-client.js';
import type { ChannelConfig } from '../../../../src-main/shared/lineup-types.js';

const CHANNEL: ChannelConfig = {
  id: 'news',
  name: 'News',
  enabled: true,
  sources: [
    { id: 's1', url: 'http://a.example/live.m3u8', label: 'Provider A' },
    { id: 's2', url: 'http://b.example:8080/live.m3u8' },
    { id: 'backup', url: 'http://c.example/live.m3u8' },
  ],
};

function resolvedId(target: SwitchTarget, activeId: string | null = 's1', channel = CHANNEL): string {
  const result = resolveSwitchTarget(channel, activeId, target);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.source.id;
}

describe('resolveSwitchTarget', () => {
  it.each<[SwitchTarget, string | null, string]>([
    [{ sourceId: 's2' }, 's1', 's2'],
    [{ sourceId: 's1' }, 's1', 's1'],
    [{ direction: 'next' }, 's1', 's2'],
    [{ direction: 'next' }, 's2', 'backup'],
    [{ direction: 'next' }, 'backup', 's1'],
    [{ direction: 'previous' }, 's1', 'backup'],
    [{ direction: 'previous' }, 'backup', 's2'],
    // No or unknown active source: counted from the first one.
    [{ direction: 'next' }, null, 's2'],
    [{ direction: 'previous' }, 'gone', 'backup'],
  ])('%j from %s → %s', (target, activeId, expected) => {
    expect(resolvedId(target, activeId)).toBe(expected);
  });

  it('stays on the only source when stepping', () => {
    const single = { ...CHANNEL, sources: [CHANNEL.sources[0]!] };
    expect(resolvedId({ direction: 'next' }, 's1', single)).toBe('s1');
    expect(resolvedId({ direction: 'previous' }, 's1', single)).toBe('s1');
  });

  it.each<[SwitchTarget, ChannelConfig]>([
    [{ sourceId: 'nope' }, CHANNEL],
    [{ direction: 'next' }, { ...CHANNEL, sources: [] }],
  ])('answers source-not-found for %j', (target, channel) => {
    expect(resolveSwitchTarget(channel, null, target)).toMatchObject({ ok: false, code: 'source-not-found' });
  });

  it('finds a known URL without adding it', () => {
    expect(resolveSwitchTarget(CHANNEL, 's1', { url: 'http://b.example:8080/live.m3u8' })).toEqual({ ok: true, source: CHANNEL.sources[1], added: false });
  });

  it('turns a new URL into a new source with the next free id and a label naming its host', () => {
    expect(resolveSwitchTarget(CHANNEL, 's1', { url: 'https://d.example:8443/x/index.m3u8?token=1' })).toEqual({
      ok: true,
      source: { id: 's3', url: 'https://d.example:8443/x/index.m3u8?token=1', label: 'Added d.example:8443' },
      added: true,
    });
  });

  it.each([['file:///etc/passwd'], ['ftp://a.example/live.m3u8'], ['javascript:alert(1)'], ['not a url'], ['http://'], ['http://a.example/with space']])(
    'refuses %j as invalid-url',
    (url) => {
      expect(resolveSwitchTarget(CHANNEL, 's1', { url })).toMatchObject({ ok: false, code: 'invalid-url' });
    },
  );

  it('keeps an error message short for a huge URL', () => {
    const result = resolveSwitchTarget(CHANNEL, 's1', { url: `ftp://${'a'.repeat(20_000)}` });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThan(400);
  });
});

describe('sourceLabel', () => {
  it.each<[Parameters<typeof sourceLabel>[0], number | undefined, string]>([
    [{ id: 's1', url: 'http://a.example/x', label: 'Provider A' }, 0, 'Provider A'],
    [{ id: 's1', url: 'http://a.example:8080/x' }, 0, 'a.example:8080'],
    [{ id: 's7', url: 'garbage' }, 2, 'Source 3'],
    [{ id: 's7', url: 'garbage' }, undefined, 's7'],
  ])('%j at %s → %j', (source, index, label) => {
    expect(sourceLabel(source, index)).toBe(label);
  });
});
