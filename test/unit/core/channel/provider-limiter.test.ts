import { describe, expect, it } from 'vitest';
import { ProviderLimiter, providerKey } from '../../../../src-main/core/channel/provider-limiter.js';
import type { SourceConfig } from '../../../../src-main/shared/lineup-types.js';

function source(url: string, provider?: string): SourceConfig {
  return { id: 's1', url, ...(provider === undefined ? {} : { provider }) };
}

const ACME_1 = source('http://one.acme.example/live/1.m3u8', 'Acme');
const ACME_2 = source('http://two.acme.example/live/2.m3u8', 'acme');
const OTHER = source('http://other.example/live.m3u8');

describe('ProviderLimiter', () => {
  it('never limits a provider without a configured limit', () => {
    const limiter = new ProviderLimiter();
    const leases = Array.from({ length: 50 }, () => limiter.tryAcquire(OTHER));
    expect(leases.every((lease) => lease !== null)).toBe(true);
    expect(limiter.inUse(OTHER)).toBe(50);
  });

  it('allows maxConnections leases for all sources of a provider together (names are case-insensitive)', () => {
    const limiter = new ProviderLimiter([{ id: 'ACME', maxConnections: 2 }]);
    const first = limiter.tryAcquire(ACME_1);
    const second = limiter.tryAcquire(ACME_2);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(limiter.tryAcquire(ACME_1)).toBeNull();
    expect(limiter.inUse(ACME_2)).toBe(2);
    // Another provider is not affected.
    expect(limiter.tryAcquire(OTHER)).not.toBeNull();
  });

  it('frees a slot on release, and a second release of the same lease frees nothing more', () => {
    const limiter = new ProviderLimiter([{ id: 'acme', maxConnections: 2 }]);
    const first = limiter.tryAcquire(ACME_1)!;
    limiter.tryAcquire(ACME_2);
    first.release();
    first.release();
    expect(limiter.inUse(ACME_1)).toBe(1);
    expect(limiter.tryAcquire(ACME_1)).not.toBeNull();
    expect(limiter.tryAcquire(ACME_1)).toBeNull();
  });

  it('counts sources without a provider name by host, so a limit can name the host', () => {
    const limiter = new ProviderLimiter([{ id: 'cdn.example', maxConnections: 1 }]);
    const a = source('http://cdn.example/a.m3u8');
    const b = source('http://CDN.example:8080/b.m3u8');
    expect(limiter.tryAcquire(a)).not.toBeNull();
    expect(limiter.tryAcquire(b)).toBeNull();
  });

  it('applies new limits to later acquisitions and keeps counting held leases', () => {
    const limiter = new ProviderLimiter([{ id: 'acme', maxConnections: 3 }]);
    const leases = [limiter.tryAcquire(ACME_1)!, limiter.tryAcquire(ACME_1)!];
    limiter.setProviders([{ id: 'acme', maxConnections: 1 }]);
    expect(limiter.tryAcquire(ACME_1)).toBeNull();
    leases[0]!.release();
    expect(limiter.tryAcquire(ACME_1)).toBeNull();
    leases[1]!.release();
    expect(limiter.tryAcquire(ACME_1)).not.toBeNull();
    // A provider removed from the list is unlimited again.
    limiter.setProviders([]);
    expect(limiter.tryAcquire(ACME_1)).not.toBeNull();
  });

  it.each<[SourceConfig, SourceConfig, boolean]>([
    [ACME_1, ACME_2, true],
    [ACME_1, OTHER, false],
    [source('http://cdn.example/a'), source('https://CDN.EXAMPLE:8443/b'), true],
    [source('http://cdn.example/a'), source('http://cdn2.example/a'), false],
    [source('http://cdn.example/a', 'cdn.example'), source('http://elsewhere/b', 'CDN.example'), true],
  ])('sameProvider(%j, %j) → %s', (a, b, expected) => {
    expect(new ProviderLimiter().sameProvider(a, b)).toBe(expected);
  });
});

describe('providerKey', () => {
  it.each([
    [source('http://x.example/a', 'My Provider'), 'my provider'],
    [source('http://Live.Example:8080/a?b=c'), 'live.example'],
    [source('http://[::1]:8080/a'), '[::1]'],
    [source('not a url'), 'not a url'],
  ])('%j → %j', (input, key) => {
    expect(providerKey(input)).toBe(key);
  });
});
