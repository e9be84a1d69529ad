import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../src-main/shared/import-types.js';
import ImportDialog from '../../../src-renderer/components/ImportDialog.svelte';
import ImportSummary from '../../../src-renderer/components/ImportSummary.svelte';
import { describeCode } from '../../../src-renderer/lib/error-text.js';
import { relay } from '../../../src-renderer/lib/relay-store.svelte.js';
import { FakeRelayClient } from '../support/fake-relay-client.js';

const REPORT: ImportReport = {
  entries: 14,
  channelsAdded: 9,
  channelsUpdated: 2,
  sourcesAdded: 12,
  skipped: [
    { line: 7, reason: 'No stream address after #EXTINF' },
    { line: 23, reason: 'Not an http(s) address: rtmp://old.example/live' },
  ],
};

const M3U = '#EXTM3U\n#EXTINF:-1 tvg-id="news.uk",News\nhttps://a.example/news.m3u8\n';

function open(fake: FakeRelayClient): { closed: () => number } {
  relay.use(fake);
  let closed = 0;
  render(ImportDialog, { props: { onclose: () => (closed += 1) } });
  return { closed: () => closed };
}

function chooseFile(text: string, name = 'provider.m3u'): Promise<boolean> {
  const input = screen.getByLabelText(/Playlist file/) as HTMLInputElement;
  const file = new File([text], name, { type: 'audio/x-mpegurl' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  return fireEvent.change(input);
}

afterEach(() => relay.use(null));

describe('importing a playlist', () => {
  it('sends the file text with the chosen grouping and mode, then shows the summary', async () => {
    const fake = new FakeRelayClient({ importReport: REPORT });
    const dialog = open(fake);
    await chooseFile(M3U);
    await fireEvent.change(screen.getByLabelText(/same…/), { target: { value: 'name' } });
    await fireEvent.click(screen.getByLabelText(/Replace them/));
    expect(screen.getByText(/Channels that are not in this playlist will be removed/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }));

    const summary = await screen.findByRole('region', { name: 'Import finished' });
    expect(fake.callsOf('importM3u')).toEqual([[{ text: M3U, groupBy: 'name', mode: 'replace' }]]);
    const numbers = within(summary);
    expect(numbers.getByText('Entries read').nextElementSibling?.textContent).toBe('14');
    expect(numbers.getByText('Channels added').nextElementSibling?.textContent).toBe('9');
    expect(numbers.getByText('Channels updated').nextElementSibling?.textContent).toBe('2');
    expect(numbers.getByText('Sources added').nextElementSibling?.textContent).toBe('12');
    expect(numbers.getByText('2 lines skipped')).toBeTruthy();
    expect(numbers.getByText('Line 7').nextElementSibling?.textContent).toBe('No stream address after #EXTINF');
    expect(numbers.getByText('Line 23')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(dialog.closed()).toBe(1);
  });

  it('imports from a web address, merging by default', async () => {
    const fake = new FakeRelayClient({ importReport: REPORT });
    open(fake);
    await fireEvent.click(screen.getByLabelText(/A web address/));
    await fireEvent.input(screen.getByLabelText('Playlist address'), { target: { value: 'not a url' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(screen.getByRole('alert').textContent).toMatch(/starting with http/);
    expect(fake.callsOf('importM3u')).toEqual([]);

    await fireEvent.input(screen.getByLabelText('Playlist address'), {
      target: { value: ' https://provider.example/get.php?type=m3u ' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await screen.findByRole('region', { name: 'Import finished' });
    expect(fake.callsOf('importM3u')).toEqual([
      [{ url: 'https://provider.example/get.php?type=m3u', groupBy: 'tvg-id', mode: 'merge' }],
    ]);
  });

  it('explains a file the relay cannot read', async () => {
    open(new FakeRelayClient());
    await chooseFile('<html>not a playlist</html>', 'page.html');
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(describeCode('import-invalid'));
  });

  it('asks for a file before importing', async () => {
    const fake = new FakeRelayClient();
    open(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose the playlist file first.');
    expect(fake.callsOf('importM3u')).toEqual([]);
  });
});

describe('ImportSummary', () => {
  it('lists the first skipped lines of a very broken file and counts the rest', () => {
    const skipped = Array.from({ length: 120 }, (_, i) => ({ line: i * 2 + 1, reason: 'No stream address' }));
    render(ImportSummary, { props: { report: { entries: 0, channelsAdded: 0, channelsUpdated: 0, sourcesAdded: 0, skipped } } });
    expect(screen.getByRole('region', { name: 'Nothing new was imported' })).toBeTruthy();
    expect(screen.getByText('120 lines skipped')).toBeTruthy();
    expect(screen.getAllByText(/^Line \d+$/)).toHaveLength(50);
    expect(screen.getByText('…and 70 more.')).toBeTruthy();
  });
});
