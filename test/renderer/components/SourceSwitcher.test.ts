import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { SwitchOutcome, SwitchRequest } from '../../../src-main/shared/relay-client.js';
import Workspace from '../../../src-renderer/components/Workspace.svelte';
import { ClientError } from '../../../src-renderer/lib/client-error.js';
import { describeCode } from '../../../src-renderer/lib/error-text.js';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { view } from '../../../src-renderer/lib/view-state.svelte.js';
import { deferred, FakeRelayClient } from '../support/fake-relay-client.js';
import { makeChannel } from '../support/fixtures.js';

function channel() {
  return makeChannel({
    id: 'news',
    name: 'News',
    state: 'playing',
    sources: [
      { id: 'main', url: 'https://main.example/news.m3u8', label: 'Main' },
      { id: 'backup', url: 'https://backup.example/news.m3u8', label: 'Backup' },
      { id: 'third', url: 'https://third.example/news.m3u8', label: 'Third' },
    ],
  });
}

/** A relay whose switch answers wait until the test says so. */
function setup() {
  const answers: Array<ReturnType<typeof deferred<SwitchOutcome>> & { channelId: string; request: SwitchRequest }> = [];
  const fake = new FakeRelayClient({
    channels: [channel()],
    switcher: (channelId, request) => {
      const answer = { ...deferred<SwitchOutcome>(), channelId, request };
      answers.push(answer);
      return answer.promise;
    },
  });
  view.reset();
  relay.use(fake);
  render(Workspace);
  return { fake, answers };
}

async function sourceButton(label: string): Promise<HTMLElement> {
  const sources = await screen.findByRole('region', { name: 'Sources' });
  return within(sources).getByRole('button', { name: new RegExp(`^\\d?\\s*${label}`) });
}

afterEach(() => relay.use(null));

describe('switching a source', () => {
  it('asks the relay for that source of that channel, shows "switching" at once, then the new source', async () => {
    const { fake, answers } = setup();
    await fireEvent.click(await sourceButton('Backup'));

    expect(answers).toHaveLength(1);
    expect(answers[0]?.channelId).toBe('news');
    expect(answers[0]?.request).toEqual({ target: { sourceId: 'backup' } });
    expect(await screen.findByText('Switching to Backup…')).toBeTruthy();
    expect(within(await sourceButton('Backup')).getByText('Switching…')).toBeTruthy();

    const switched = fake.applySwitch('news', 'backup');
    answers[0]?.resolve({ ok: true, switch: switched.lastSwitch, channel: switched });

    expect(await screen.findByText(/Now playing Backup \(switched in 800 ms\)/)).toBeTruthy();
    expect((await sourceButton('Backup')).getAttribute('aria-current')).toBe('true');
    expect((await sourceButton('Main')).getAttribute('aria-current')).toBeNull();
  });

  it('does not let an older live update, still waiting to be drawn, undo the switch on screen', async () => {
    const { fake, answers } = setup();
    await fireEvent.click(await sourceButton('Backup'));
    // The relay's event stream said something about the channel just before the switch finished.
    const before = fake.channels[0]!;
    fake.emit({ type: 'channel', channel: { ...before, health: { ...before.health, clients: 2 } } });
    const switched = { ...before, activeSourceId: 'backup', lastSwitch: { from: 'main', to: 'backup', reason: 'manual' as const, at: Date.now(), latencyMs: 90 } };
    answers[0]?.resolve({ ok: true, switch: switched.lastSwitch, channel: switched });

    expect(await screen.findByText(/Now playing Backup/)).toBeTruthy();
    // Past the store's 50 ms drawing round: the older update was dropped, not drawn over the answer.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await sourceButton('Backup')).getAttribute('aria-current')).toBe('true');
    expect((await sourceButton('Main')).getAttribute('aria-current')).toBeNull();
  });

  it('explains a failed switch in words and says the channel stayed on its source', async () => {
    const { fake, answers } = setup();
    await fireEvent.click(await sourceButton('Third'));
    answers[0]?.resolve({
      ok: false,
      code: 'upstream-timeout',
      message: 'GET https://third.example/news.m3u8 timed out',
      channel: fake.channels[0]!,
    });

    const message = await screen.findByText(/Could not switch to Third/);
    expect(message.textContent).toContain(describeCode('upstream-timeout'));
    expect(message.textContent).toContain('The channel stayed on Main.');
    expect(message.textContent).not.toContain('GET https://');
    expect((await sourceButton('Main')).getAttribute('aria-current')).toBe('true');

    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/Could not switch/)).toBeNull();
  });

  it('words a rejected request too (the provider allows no more connections)', async () => {
    const { answers } = setup();
    await fireEvent.click(await sourceButton('Backup'));
    answers[0]?.reject(new ClientError('provider-limit', 'max 1 connection'));
    const message = await screen.findByText(/Could not switch to Backup/);
    expect(message.textContent).toContain(describeCode('provider-limit'));
    expect(message.textContent).toContain('stayed on Main');
  });

  it('reports only the latest of two quick switches', async () => {
    const { fake, answers } = setup();
    await fireEvent.click(await sourceButton('Backup'));
    await fireEvent.click(await sourceButton('Third'));
    const third = fake.applySwitch('news', 'third');
    answers[1]?.resolve({ ok: true, switch: third.lastSwitch, channel: third });
    answers[0]?.resolve({ ok: false, code: 'switch-superseded', message: 'superseded', channel: third });
    expect(await screen.findByText(/Now playing Third/)).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByText(/Could not switch/)).toBeNull();
  });

  it('goes to the next source with the button and with the N key', async () => {
    const { answers } = setup();
    await fireEvent.click(await screen.findByRole('button', { name: /Next source/ }));
    expect(answers[0]?.request).toEqual({ target: { direction: 'next' } });
    expect(await screen.findByText('Switching to the next source…')).toBeTruthy();

    await fireEvent.keyDown(document.body, { key: 'n' });
    expect(answers[1]?.request).toEqual({ target: { direction: 'next' } });

    // Typing an "n" into the filter must not switch anything.
    await fireEvent.keyDown(screen.getByRole('searchbox'), { key: 'n' });
    expect(answers).toHaveLength(2);
  });

  it('shows why the relay switched by itself', async () => {
    const { fake } = setup();
    await screen.findByRole('region', { name: 'Sources' });
    fake.applySwitch('news', 'backup', 'failover');
    await waitFor(() =>
      expect(screen.getByText(/from Main to\s+Backup, switched automatically because the previous source failed/)).toBeTruthy(),
    );
  });
});

describe('the sources of a channel nobody watches', () => {
  it('marks the chosen source as selected, not playing, and names an imported source once', async () => {
    // As an M3U import leaves them: labelled after their host.
    const imported = makeChannel({
      id: 'sport',
      name: 'Sport',
      state: 'idle',
      sources: [
        { id: 's1', url: 'http://provider.example:8080/live/1.m3u8', label: 'provider.example:8080' },
        { id: 's2', url: 'http://provider.example:8080/live/2.m3u8', label: 'provider.example:8080 (2)' },
        { id: 's3', url: 'https://backup.example/sport.m3u8', label: 'Backup' },
      ],
    });
    view.reset();
    relay.use(new FakeRelayClient({ channels: [imported] }));
    render(Workspace);
    const sources = await screen.findByRole('region', { name: 'Sources' });
    const buttons = within(sources).getAllByRole('button', { name: /example|Backup/ });
    expect(buttons.map((button) => button.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '1 provider.example:8080 Selected',
      '2 provider.example:8080 (2) Switch',
      '3 Backup backup.example Switch',
    ]);
    expect(within(sources).queryByText(/Playing/)).toBeNull();
  });
});
