import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ChannelList from '../../../src-renderer/components/ChannelList.svelte';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { view } from '../../../src-renderer/lib/view-state.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';
import { manyChannels } from '../support/fixtures.js';

const COUNT = 2_000;

function rowNames(container: HTMLElement): string[] {
  return [...container.querySelectorAll('.row .name')].map((name) => name.textContent ?? '');
}

beforeEach(() => {
  view.reset();
  relay.use(new FakeRelayClient({ channels: manyChannels(COUNT) }));
});

afterEach(() => relay.use(null));

describe('the channel list with 2 000 channels', () => {
  it('draws only the rows in view', async () => {
    const { container } = render(ChannelList);
    expect(await screen.findByText('2,000 channels')).toBeTruthy();
    const rows = container.querySelectorAll('.row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rowNames(container)[0]).toBe('Channel 0001');
  });

  it('filters by name (any case) and by group, quickly', async () => {
    const { container } = render(ChannelList);
    await screen.findByText('2,000 channels');

    const started = performance.now();
    await fireEvent.input(screen.getByLabelText('Filter channels by name'), { target: { value: 'channel 1999' } });
    expect(screen.getByText('Showing 1 of 2,000 channels')).toBeTruthy();
    expect(rowNames(container)).toEqual(['Channel 1999']);

    await fireEvent.input(screen.getByLabelText('Filter channels by name'), { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('Show group'), { target: { value: 'Sports' } });
    expect(screen.getByText('Showing 250 of 2,000 channels')).toBeTruthy();
    expect(rowNames(container).slice(0, 2)).toEqual(['Channel 0002', 'Channel 0010']);

    await fireEvent.input(screen.getByLabelText('Filter channels by name'), { target: { value: 'channel 00' } });
    expect(screen.getByText('Showing 13 of 2,000 channels')).toBeTruthy();
    expect(performance.now() - started).toBeLessThan(3_000);

    await fireEvent.input(screen.getByLabelText('Filter channels by name'), { target: { value: 'nothing like this' } });
    expect(screen.getByText('No channel matches this filter.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Show all channels' }));
    expect(screen.getByText('2,000 channels')).toBeTruthy();
  });

  it('moves through the list with the arrow keys, End and Home, drawing the rows it reaches', async () => {
    const { container } = render(ChannelList);
    await screen.findByText('2,000 channels');
    const first = screen.getByRole('button', { name: /Channel 0001/ });
    expect(first.getAttribute('tabindex')).toBe('0');
    first.focus();

    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Channel 0002'));
    expect(view.selected?.id).toBe('channel-2');
    expect(document.activeElement?.getAttribute('aria-current')).toBe('true');

    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Channel 2000'));
    expect(container.querySelectorAll('.row').length).toBeLessThan(40);

    await fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Channel 0001'));
  });

  it('follows live updates without asking again', async () => {
    render(ChannelList);
    await screen.findByText('2,000 channels');
    const fake = new FakeRelayClient({ channels: manyChannels(3) });
    relay.use(fake);
    expect(await screen.findByText('3 channels')).toBeTruthy();
    fake.emit({ type: 'channel-removed', id: 'channel-2' });
    expect(await screen.findByText('2 channels')).toBeTruthy();
    expect(fake.callsOf('overview')).toHaveLength(1);
  });
});
