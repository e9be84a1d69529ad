import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Workspace from '../../../src-renderer/components/Workspace.svelte';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { view } from '../../../src-renderer/lib/view-state.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';
import { BASE_URL, demoChannels, demoTimeline, makeHealth } from '../support/fixtures.js';

const NOW = Date.now();

beforeEach(() => view.reset());
afterEach(() => relay.use(null));

describe('the window', () => {
  it('explains the three first steps when there are no channels', async () => {
    relay.use(new FakeRelayClient());
    render(Workspace);
    expect(await screen.findByText('Welcome to HLS Relay')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Add your channels' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Copy the playlist address' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Open it in VLC' })).toBeTruthy();
    expect(screen.getByText(`${BASE_URL}/channels.m3u`)).toBeTruthy();
  });

  it('updates buffer health from live updates, without asking the relay again', async () => {
    const channels = demoChannels(NOW);
    const fake = new FakeRelayClient({ channels, timelines: { 'news-24': demoTimeline(NOW) } });
    relay.use(fake);
    render(Workspace);

    const health = await screen.findByRole('region', { name: 'Buffer health' });
    expect(within(health).getByRole('meter').getAttribute('aria-valuetext')).toBe('18 s of 24 s buffered');

    const news = channels[0]!;
    fake.emit({
      type: 'channel',
      channel: { ...news, health: makeHealth({ ...news.health, bufferedSeconds: 6.5, downloadRatio: 1.2 }) },
    });
    expect(await within(health).findByText('falling behind')).toBeTruthy();
    expect(within(health).getByRole('meter').getAttribute('aria-valuetext')).toBe('6.5 s of 24 s buffered');
    expect(fake.callsOf('overview')).toHaveLength(1);
  });

  it('shows the timeline and adds live events to it', async () => {
    const fake = new FakeRelayClient({ channels: demoChannels(NOW), timelines: { 'news-24': demoTimeline(NOW) } });
    relay.use(fake);
    render(Workspace);

    const timeline = await screen.findByRole('region', { name: 'What happened' });
    expect(await within(timeline).findByText('Switched from Main to Backup')).toBeTruthy();
    expect(within(timeline).getByText('Failover')).toBeTruthy();
    expect(fake.callsOf('timeline')).toEqual([['news-24']]);

    fake.emit({ type: 'timeline', channelId: 'news-24', event: { at: Date.now(), kind: 'stall', message: 'No new video for 6 s' } });
    expect(await within(timeline).findByText('No new video for 6 s')).toBeTruthy();
    // Newest first.
    expect(within(timeline).getAllByRole('listitem')[0]?.textContent).toContain('No new video for 6 s');
  });

  it('gives the channel address for VLC, and "Open in VLC" only in the desktop app', async () => {
    relay.use(new FakeRelayClient({ channels: demoChannels(NOW) }));
    const browser = render(Workspace);
    const address = await screen.findByLabelText('Address of News 24 for VLC');
    expect((address as HTMLInputElement).value).toBe(`${BASE_URL}/stream/news-24`);
    expect(screen.queryByRole('button', { name: 'Open in VLC' })).toBeNull();
    browser.unmount();

    const desktop = new FakeRelayClient({ channels: demoChannels(NOW), openInVlc: true });
    relay.use(desktop);
    render(Workspace);
    await fireEvent.click(await screen.findByRole('button', { name: 'Open in VLC' }));
    expect(desktop.callsOf('openInVlc')).toEqual([[`${BASE_URL}/stream/news-24`]]);
  });

  it('moves and removes channels after asking', async () => {
    const fake = new FakeRelayClient({ channels: demoChannels(NOW) });
    relay.use(fake);
    render(Workspace);

    await fireEvent.click(await screen.findByRole('button', { name: 'Move News 24 down in the list' }));
    expect(fake.callsOf('moveChannel')).toEqual([['news-24', 1]]);

    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(fake.callsOf('removeChannel')).toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove channel' }));
    expect(await screen.findByText('7 channels')).toBeTruthy();
    expect(fake.callsOf('removeChannel')).toEqual([['news-24']]);
    expect(screen.queryByRole('heading', { name: 'News 24' })).toBeNull();
  });
});
