import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ChannelEditor from '../../../src-renderer/components/ChannelEditor.svelte';
import { describeCode } from '../../../src-renderer/lib/error-text.js';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';
import { makeChannel } from '../support/fixtures.js';

function sourceGroup(index: number): ReturnType<typeof within> {
  return within(screen.getByRole('group', { name: `Source ${index}` }));
}

afterEach(() => relay.use(null));

describe('adding a channel', () => {
  it('shows what is missing next to each field and sends nothing', async () => {
    const fake = new FakeRelayClient();
    relay.use(fake);
    render(ChannelEditor, { props: { channel: null, onclose: () => undefined } });

    await fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    expect(screen.getByText('Give the channel a name.')).toBeTruthy();
    expect(sourceGroup(1).getByText('Enter the address of the stream.')).toBeTruthy();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');

    await fireEvent.input(sourceGroup(1).getByLabelText('Stream address'), { target: { value: 'ftp://old.example/tv' } });
    expect(sourceGroup(1).getByText('The address must start with http:// or https://.')).toBeTruthy();
    expect(fake.callsOf('addChannel')).toEqual([]);
  });

  it('sends the channel with its sources, labels, user agent and Referer', async () => {
    const fake = new FakeRelayClient();
    relay.use(fake);
    let closed = 0;
    render(ChannelEditor, { props: { channel: null, onclose: () => (closed += 1) } });

    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: ' News 24 ' } });
    await fireEvent.input(screen.getByLabelText(/Group/), { target: { value: 'News' } });
    await fireEvent.input(sourceGroup(1).getByLabelText('Stream address'), { target: { value: 'https://a.example/news.m3u8' } });
    await fireEvent.input(sourceGroup(1).getByLabelText(/Label/), { target: { value: 'Main' } });
    await fireEvent.click(screen.getByRole('button', { name: '+ Add a source' }));
    await fireEvent.input(sourceGroup(2).getByLabelText('Stream address'), { target: { value: 'https://b.example/news.m3u8' } });
    await fireEvent.input(sourceGroup(2).getByLabelText(/User agent/), { target: { value: 'Kodi/20' } });
    await fireEvent.input(sourceGroup(2).getByLabelText(/Referer/), { target: { value: 'https://b.example/' } });
    // The backup should be tried first.
    await fireEvent.click(screen.getByRole('button', { name: 'Move source 2 up' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));

    expect(fake.callsOf('addChannel')).toEqual([
      [
        {
          name: 'News 24',
          group: 'News',
          enabled: true,
          sources: [
            { url: 'https://b.example/news.m3u8', userAgent: 'Kodi/20', headers: { Referer: 'https://b.example/' } },
            { url: 'https://a.example/news.m3u8', label: 'Main' },
          ],
        },
      ],
    ]);
    expect(closed).toBe(1);
  });

  it('puts "name taken" next to the name', async () => {
    relay.use(new FakeRelayClient({ channels: [makeChannel({ id: 'news', name: 'News' })] }));
    render(ChannelEditor, { props: { channel: null, onclose: () => undefined } });
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'News' } });
    await fireEvent.input(sourceGroup(1).getByLabelText('Stream address'), { target: { value: 'https://a.example/x.m3u8' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    expect(await screen.findByText(describeCode('channel-exists'))).toBeTruthy();
  });
});

describe('editing a channel', () => {
  it('renames, removes a source and keeps the ids and headers of the rest', async () => {
    const channel = makeChannel({
      id: 'news',
      name: 'News',
      sources: [
        { id: 'main', url: 'https://a.example/news.m3u8', label: 'Main', headers: { Cookie: 'c=1', referer: 'https://a.example/' } },
        { id: 'backup', url: 'https://b.example/news.m3u8', label: 'Backup' },
      ],
    });
    const fake = new FakeRelayClient({ channels: [channel] });
    relay.use(fake);
    render(ChannelEditor, { props: { channel, onclose: () => undefined } });

    expect((sourceGroup(1).getByLabelText(/Referer/) as HTMLInputElement).value).toBe('https://a.example/');
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'News HD' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Remove source 2' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(fake.callsOf('updateChannel')).toEqual([
      [
        'news',
        {
          name: 'News HD',
          group: null,
          logo: null,
          enabled: true,
          sources: [
            {
              id: 'main',
              url: 'https://a.example/news.m3u8',
              label: 'Main',
              headers: { Cookie: 'c=1', Referer: 'https://a.example/' },
            },
          ],
        },
      ],
    ]);
  });
});
