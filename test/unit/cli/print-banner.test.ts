import { describe, expect, it } from 'vitest';
import { formatBanner, type BannerInput } from '../../../src-main/cli/print-banner.js';
import type { ChannelConfig } from '../../../src-main/shared/lineup-types.js';

const BASE = 'http://127.0.0.1:5000';
const TOKEN = 'tok-0123456789';

function channel(id: string, enabled = true): ChannelConfig {
  return { id, name: `Name ${id}`, enabled, sources: [{ id: 's1', url: `http://o.example/${id}.m3u8` }] };
}

function banner(extra: Partial<BannerInput> = {}): string {
  return formatBanner({ baseUrl: BASE, token: TOKEN, tokenGenerated: false, channels: [channel('news'), channel('sport')], demo: false, lan: false, ...extra });
}

describe('formatBanner', () => {
  it('tells where the relay listens and how to play each enabled channel in VLC', () => {
    const text = banner({ channels: [channel('news'), channel('off', false), channel('sport')] });
    expect(text.split('\n')[0]).toBe(`HLS Relay listening on ${BASE}`);
    expect(text).toContain(`  Name news: vlc ${BASE}/stream/news\n`);
    expect(text).toContain(`  Name sport: vlc ${BASE}/stream/sport\n`);
    expect(text).not.toContain('/stream/off');
  });

  it('gives the all-channels M3U, the web UI with its token, and the token', () => {
    const text = banner();
    expect(text).toContain(`All channels for VLC:  ${BASE}/channels.m3u`);
    expect(text).toContain(`Web UI:                ${BASE}/ui/#token=${TOKEN}`);
    expect(text).toContain(`Control token:         ${TOKEN}\n`);
    expect(text).not.toContain('generated');
  });

  it('says when the token was generated and how to keep one', () => {
    expect(banner({ tokenGenerated: true })).toContain(`Control token:         ${TOKEN} (generated; pass --token to keep one)`);
  });

  it('shows a working switch command for the first enabled channel', () => {
    const text = banner({ channels: [channel('off', false), channel('sport')] });
    expect(text).toContain(`curl -X POST -H 'Authorization: Bearer ${TOKEN}' -H 'Content-Type: application/json' \\`);
    expect(text).toContain(`-d '{"direction":"next"}' ${BASE}/api/channels/sport/switch`);
  });

  it('lists ten channels and counts the rest', () => {
    const text = banner({ channels: Array.from({ length: 13 }, (_, index) => channel(`ch${index}`)) });
    expect(text.match(/: vlc /g)).toHaveLength(10);
    expect(text).toContain('  … and 3 more');
    expect(text).not.toContain('/stream/ch10');
  });

  it('explains what to do without channels, and shows no switch command', () => {
    const text = banner({ channels: [channel('off', false)] });
    expect(text).toContain('No channels yet: add some in the web UI or with --url / --playlist / --config.');
    expect(text).not.toContain('curl');
  });

  it('mentions LAN exposure and the demo only when they apply', () => {
    expect(banner()).not.toMatch(/LAN|Demo:/);
    expect(banner({ lan: true, baseUrl: 'http://192.168.1.20:5000' }).split('\n')[0]).toBe('HLS Relay listening on http://192.168.1.20:5000 (LAN: reachable from other devices)');
    expect(banner({ demo: true })).toContain('Demo: three test patterns (A, B, C) loop as one channel');
  });

  it('ends with how to stop', () => {
    expect(banner().split('\n').at(-1)).toBe('Ctrl-C stops.');
  });
});
