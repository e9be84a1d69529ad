import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SettingsDialog from '../../../src-renderer/components/SettingsDialog.svelte';
import { notices } from '../../../src-renderer/lib/notices.svelte.js';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';

function open(fake: FakeRelayClient): { closed: () => number } {
  relay.use(fake);
  let closed = 0;
  render(SettingsDialog, { props: { onclose: () => (closed += 1) } });
  return { closed: () => closed };
}

afterEach(() => relay.use(null));

describe('settings', () => {
  it('sends only what changed and says when a restart is needed', async () => {
    const fake = new FakeRelayClient();
    const dialog = open(fake);
    const port = await screen.findByLabelText('Port');
    expect((port as HTMLInputElement).value).toBe('5000');

    await fireEvent.input(port, { target: { value: '5080' } });
    await fireEvent.click(screen.getByLabelText(/other devices on my home network/));
    await fireEvent.input(screen.getByLabelText('Pieces kept per channel'), { target: { value: '20' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.callsOf('updateSettings')).toEqual([[{ port: 5080, lan: true, bufferSegments: 20 }]]);
    expect(dialog.closed()).toBe(1);
    expect(notices.items.at(-1)?.text).toMatch(/applies after HLS Relay restarts/);
  });

  it('explains invalid values next to their fields and saves nothing', async () => {
    const fake = new FakeRelayClient();
    open(fake);
    const port = await screen.findByLabelText('Port');
    await fireEvent.input(port, { target: { value: '80' } });
    await fireEvent.input(screen.getByLabelText('Pieces listed for players'), { target: { value: '40' } });
    await fireEvent.input(screen.getByLabelText('Default user agent'), { target: { value: '  ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(screen.getByText('Use a whole number from 1024 to 65535.')).toBeTruthy();
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('List at most as many pieces as are kept.')).toBeTruthy();
    expect(screen.getByText(/Enter a user agent/)).toBeTruthy();
    expect(fake.callsOf('updateSettings')).toEqual([]);
  });

  it('always shows the LAN warning, stressed once LAN is on', async () => {
    open(new FakeRelayClient());
    const lan = await screen.findByLabelText(/other devices on my home network/);
    const warning = screen.getByText(/Anyone on your network can then watch your channels/);
    expect(lan.getAttribute('aria-describedby')).toBe(warning.id);
    expect(warning.className).not.toContain('active');
    await fireEvent.click(lan);
    expect(warning.className).toContain('active');
  });
});
