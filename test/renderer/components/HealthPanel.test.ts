import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import HealthPanel from '../../../src-renderer/components/HealthPanel.svelte';
import { describeCode } from '../../../src-renderer/lib/error-text.js';
import { makeHealth, makeHistory } from '../support/fixtures.js';

const NOW = Date.now();

describe('HealthPanel', () => {
  it('shows the buffer against the window, the keep-up verdict, bitrate, players and the last error', () => {
    render(HealthPanel, {
      props: {
        live: true,
        health: makeHealth({
          bufferedSeconds: 18,
          windowSeconds: 24,
          lastDownloadMs: 640,
          lastSegmentDuration: 2,
          downloadRatio: 0.32,
          bitrateBps: 4_200_000,
          clients: 2,
          errorCount: 3,
          lastError: { code: 'upstream-timeout', message: 'seg-1022 timed out', at: NOW - 60_000, sourceId: 'main' },
          history: makeHistory(NOW, 5, { buffered: 16, ratio: 0.35, bitrate: 4_200_000 }),
        }),
      },
    });

    const meter = screen.getByRole('meter', { name: 'Buffer' });
    expect(meter.getAttribute('aria-valuetext')).toBe('18 s of 24 s buffered');
    expect(meter.getAttribute('aria-valuemax')).toBe('24');
    expect(meter.querySelector<HTMLElement>('.fill')?.style.width).toBe('75%');
    expect(screen.getByText('keeping up')).toBeTruthy();
    expect(screen.getByText(/last piece took 640 ms to download for 2\.0 s of video/)).toBeTruthy();
    expect(screen.getByText('4.2 Mbit/s')).toBeTruthy();
    expect(screen.getByText('2 players')).toBeTruthy();
    expect(screen.getByText(/^\s*3\s*$/)).toBeTruthy();
    expect(screen.getByText(new RegExp(describeCode('upstream-timeout').slice(0, 30)))).toBeTruthy();
    expect(screen.getByText(/1 min ago/)).toBeTruthy();
  });

  it('says "falling behind" when a piece takes longer to download than to play', () => {
    render(HealthPanel, {
      props: {
        live: true,
        health: makeHealth({ bufferedSeconds: 3, lastDownloadMs: 2_800, lastSegmentDuration: 2, downloadRatio: 1.4 }),
      },
    });
    const verdict = screen.getByText('falling behind');
    expect(verdict.className).toContain('tone-bad');
    expect(screen.getByRole('meter', { name: 'Buffer' }).closest('.gauge')?.className).toContain('tone-bad');
  });

  it('draws the last minutes as sparklines, one point per sample', () => {
    const history = makeHistory(NOW, 3, { buffered: 10, ratio: 0.5, bitrate: 2_000_000 });
    render(HealthPanel, { props: { live: true, health: makeHealth({ bufferedSeconds: 10, history }) } });

    const buffer = screen.getByRole('img', { name: /Buffered seconds over the last 3 minutes/ });
    const points = buffer.querySelector('polyline')?.getAttribute('points')?.split(' ') ?? [];
    expect(points).toHaveLength(history.length);
    // Values are scaled into the 40-unit-high box, 0 at the bottom.
    for (const point of points) {
      const y = Number(point.split(',')[1]);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(40);
    }
    expect(screen.getByRole('img', { name: /Download time divided by video time/ }).querySelector('line.threshold')).toBeTruthy();
  });

  it('does not alarm about the empty buffer of a channel nobody watches', () => {
    render(HealthPanel, { props: { live: false, health: makeHealth() } });
    expect(screen.getByRole('meter', { name: 'Buffer' }).closest('.gauge')?.className).toContain('tone-neutral');
    expect(screen.getByText('no downloads yet')).toBeTruthy();
    expect(screen.getByText('none')).toBeTruthy();
    expect(screen.getAllByText(/not enough data yet/).length).toBeGreaterThan(0);
  });
});

describe('HealthPanel with the relay\'s own figures', () => {
  it('says how much is buffered without "of" the same amount, and "Nothing buffered" when idle', () => {
    // The relay lists everything it holds: buffered and window seconds are the same number.
    const { unmount } = render(HealthPanel, {
      props: { live: true, health: makeHealth({ bufferedSeconds: 6, windowSeconds: 6, history: [] }) },
    });
    expect(screen.getByRole('meter', { name: 'Buffer' }).getAttribute('aria-valuetext')).toBe('6.0 s buffered');
    expect(screen.getByText('6.0 s buffered')).toBeTruthy();
    unmount();
    render(HealthPanel, { props: { live: false, health: makeHealth({ bufferedSeconds: 0, windowSeconds: 0 }) } });
    expect(screen.getByRole('meter', { name: 'Buffer' }).getAttribute('aria-valuetext')).toBe('Nothing buffered');
  });
});
