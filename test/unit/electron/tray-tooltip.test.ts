import { describe, expect, it } from 'vitest';
import { trayIconFile, trayIconVariant } from '../../../src-main/electron/tray-icon.js';
import { MAX_TOOLTIP_LENGTH, summarizeHealth, trayTooltip } from '../../../src-main/electron/tray-tooltip.js';
import { SERVER, channel, health } from './snapshot-fixtures.js';

describe('trayTooltip', () => {
  it('summarises channels playing and clients', () => {
    const channels = [
      channel('news', { health: health({ clients: 2 }) }),
      channel('sport', { state: 'idle', health: health({ clients: 0 }) }),
      channel('film', { state: 'switching', health: health({ clients: 1 }) }),
    ];
    expect(trayTooltip(channels, SERVER)).toBe('HLS Relay — 2 of 3 channels playing · 3 clients');
  });

  it('names failing and stalled channels', () => {
    const channels = [
      channel('news', { name: 'News', state: 'failing', health: health({ clients: 0 }) }),
      channel('sport', { name: 'Sport', state: 'stalled', health: health({ clients: 1 }) }),
      channel('film', { name: 'Film', state: 'retrying', health: health({ clients: 0 }) }),
    ];
    expect(trayTooltip(channels, SERVER)).toBe('HLS Relay — 0 of 3 channels playing · 1 client · failing: News · stalled: Sport, Film');
  });

  it('leaves disabled channels out of the alarms', () => {
    const channels = [channel('news', { state: 'failing', enabled: false, health: health({ clients: 0 }) })];
    expect(trayTooltip(channels, SERVER)).toBe('HLS Relay — 0 of 1 channel playing · 0 clients');
  });

  it('says when the relay is starting or has no channels', () => {
    expect(trayTooltip([channel('news')], null)).toBe('HLS Relay — starting…');
    expect(trayTooltip([], SERVER)).toBe('HLS Relay — no channels yet');
  });

  it('fits the Windows limit without cutting a character in half', () => {
    const channels = Array.from({ length: 30 }, (_, index) => channel(`c${index}`, { name: `Channel 📺 number ${index}`, state: 'failing' }));
    const tooltip = trayTooltip(channels, SERVER);
    expect(tooltip.length).toBeLessThanOrEqual(MAX_TOOLTIP_LENGTH);
    expect(tooltip.endsWith('…')).toBe(true);
    expect(tooltip).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
  });

  it('counts as summarizeHealth says', () => {
    expect(summarizeHealth([channel('a'), channel('b', { state: 'failing', name: 'B' })])).toEqual({
      channels: 2,
      playing: 1,
      clients: 2,
      failing: ['B'],
      troubled: [],
    });
  });
});

describe('tray icon', () => {
  it('switches to the failing variant while an enabled channel fails', () => {
    expect(trayIconVariant([channel('a'), channel('b', { state: 'stalled' })])).toBe('normal');
    expect(trayIconVariant([channel('a'), channel('b', { state: 'failing' })])).toBe('failing');
    expect(trayIconVariant([channel('b', { state: 'failing', enabled: false })])).toBe('normal');
  });

  it('uses the template image on macOS only, and the coloured failing icon everywhere', () => {
    expect(trayIconFile('darwin', 'normal')).toBe('trayTemplate.png');
    expect(trayIconFile('linux', 'normal')).toBe('tray.png');
    expect(trayIconFile('win32', 'normal')).toBe('tray.png');
    expect(trayIconFile('darwin', 'failing')).toBe('tray-failing.png');
    expect(trayIconFile('linux', 'failing')).toBe('tray-failing.png');
  });
});
