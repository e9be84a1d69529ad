import type { SourceConfig } from '../../shared/lineup-types.js';
import { parsePlaylist } from '../playlist/parse-playlist.js';
import { selectVariant } from '../playlist/select-variant.js';
import type { Clock } from '../time.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { ProviderLimiter } from './provider-limiter.js';

export interface PreferredSourceProbe {
  readonly sourceId: string;
  /** Since when every probe found the playlist loading and advancing; null after a failure. */
  readonly healthySince: number | null;
  stop(): void;
}

export interface ProbeDeps {
  client: UpstreamClient;
  clock: Clock;
  providers: ProviderLimiter;
  userAgent: string;
  intervalMs: number;
}

/**
 * Checks a source cheaply (its playlist only, never segments) at an interval, to decide when a channel
 * can fail back to it. Skips a round when the provider has no free connection.
 */
export function createPreferredSourceProbe(source: SourceConfig, deps: ProbeDeps): PreferredSourceProbe {
  const controller = new AbortController();
  let healthySince: number | null = null;
  let lastNewest: number | null = null;

  async function fetchText(url: string): Promise<{ text: string; finalUrl: string }> {
    const response = await deps.client.fetch({
      url,
      kind: 'playlist',
      userAgent: source.userAgent ?? deps.userAgent,
      ...(source.headers ? { headers: source.headers } : {}),
      signal: controller.signal,
      deadlineMs: 5000,
    });
    return { text: response.body.toString('utf8'), finalUrl: response.finalUrl };
  }

  async function probeOnce(): Promise<boolean> {
    const lease = deps.providers.tryAcquire(source);
    if (!lease) return healthySince !== null;
    try {
      let { text, finalUrl } = await fetchText(source.url);
      let playlist = parsePlaylist(text, finalUrl);
      if (playlist.kind === 'master') {
        ({ text, finalUrl } = await fetchText(selectVariant(playlist, source.variant).uri));
        playlist = parsePlaylist(text, finalUrl);
      }
      if (playlist.kind !== 'media') return false;
      const newest = playlist.segments.at(-1)?.msn ?? null;
      const advancing = newest !== null && !playlist.endList && (lastNewest === null || newest > lastNewest);
      lastNewest = newest;
      return advancing;
    } catch {
      return false;
    } finally {
      lease.release();
    }
  }

  void (async () => {
    while (!controller.signal.aborted) {
      const healthy = await probeOnce();
      if (controller.signal.aborted) return;
      healthySince = healthy ? (healthySince ?? deps.clock.now()) : null;
      await deps.clock.sleep(deps.intervalMs, controller.signal);
    }
  })();

  return {
    sourceId: source.id,
    get healthySince() {
      return healthySince;
    },
    stop() {
      controller.abort();
    },
  };
}
