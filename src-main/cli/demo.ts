import type { ChannelConfig } from '../shared/lineup-types.js';
import { createLiveOrigin, type LiveOrigin } from '../demo/live-origin.js';

export interface Demo {
  origin: LiveOrigin;
  channel: ChannelConfig;
}

/** A built-in live origin looping three visibly different test patterns, relayed as channel "demo". */
export async function startDemo(): Promise<Demo> {
  const origin = await createLiveOrigin({ sources: ['a', 'b', 'c'] });
  const channel: ChannelConfig = {
    id: 'demo',
    name: 'Demo test patterns',
    group: 'Demo',
    enabled: true,
    sources: ['a', 'b', 'c'].map((id) => ({ id, url: origin.playlistUrl(id), label: `Test pattern ${id.toUpperCase()}` })),
  };
  return { origin, channel };
}
