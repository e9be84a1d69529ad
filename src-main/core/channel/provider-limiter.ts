import type { ProviderConfig, SourceConfig } from '../../shared/lineup-types.js';

/** A held upstream connection slot; release it exactly once when the follower or probe stops. */
export interface ProviderLease {
  release(): void;
}

/**
 * Counts concurrent upstream users (followers, probes) per provider across all channels, so that a
 * provider's connection limit is never exceeded. Sources name their provider, or share one by host.
 */
export class ProviderLimiter {
  readonly #limits = new Map<string, number>();
  readonly #inUse = new Map<string, number>();

  constructor(providers: readonly ProviderConfig[] = []) {
    this.setProviders(providers);
  }

  setProviders(providers: readonly ProviderConfig[]): void {
    this.#limits.clear();
    for (const provider of providers) this.#limits.set(provider.id.toLowerCase(), provider.maxConnections);
  }

  /** A slot for the source's provider, or null when the provider is at its limit. */
  tryAcquire(source: SourceConfig): ProviderLease | null {
    const key = providerKey(source);
    const limit = this.#limits.get(key);
    const used = this.#inUse.get(key) ?? 0;
    if (limit !== undefined && used >= limit) return null;
    this.#inUse.set(key, used + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const remaining = (this.#inUse.get(key) ?? 1) - 1;
        if (remaining <= 0) this.#inUse.delete(key);
        else this.#inUse.set(key, remaining);
      },
    };
  }

  /** Whether the two sources count against the same provider. */
  sameProvider(a: SourceConfig, b: SourceConfig): boolean {
    return providerKey(a) === providerKey(b);
  }

  inUse(source: SourceConfig): number {
    return this.#inUse.get(providerKey(source)) ?? 0;
  }
}

/** The provider a source counts against: its named provider, else its host. */
export function providerKey(source: SourceConfig): string {
  if (source.provider) return source.provider.toLowerCase();
  try {
    return new URL(source.url).hostname.toLowerCase();
  } catch {
    return source.url;
  }
}
