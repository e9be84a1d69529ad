/**
 * Bundled by test/e2e/ui-screens.test.ts and injected before the built window loads: it plays the Electron
 * preload bridge with an in-memory relay, so the real build can be looked at without a relay.
 */
import type { ImportReport } from '../../../src-main/shared/import-types.js';
import { FakeRelayClient } from './fake-relay-client.js';
import { demoChannels, demoTimeline } from './fixtures.js';

declare global {
  interface Window {
    /** 'empty' for a first run; anything else shows the demo lineup. */
    __HLS_RELAY_SCENARIO__?: string;
  }
}

const IMPORT_REPORT: ImportReport = {
  entries: 318,
  channelsAdded: 142,
  channelsUpdated: 6,
  sourcesAdded: 171,
  skipped: [
    { line: 57, reason: 'No stream address after #EXTINF' },
    { line: 212, reason: 'Not an http(s) address: rtmp://live.example/sports' },
    { line: 390, reason: 'Duplicate of line 388 (same channel and address)' },
  ],
};

const now = Date.now();
window.hlsRelay = new FakeRelayClient({
  channels: window.__HLS_RELAY_SCENARIO__ === 'empty' ? [] : demoChannels(now),
  timelines: { 'news-24': demoTimeline(now) },
  importReport: IMPORT_REPORT,
  openInVlc: true,
  // Long enough to see "Switching…", short enough to feel instant.
  delayMs: 250,
});
