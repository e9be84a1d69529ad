import type { ChannelSnapshot } from '../shared/relay-types.js';
import { summarizeHealth } from './tray-tooltip.js';

export type TrayIconVariant = 'normal' | 'failing';

/** The icon turns to its failing variant while any enabled channel is failing. */
export function trayIconVariant(channels: readonly ChannelSnapshot[]): TrayIconVariant {
  return summarizeHealth(channels).failing.length > 0 ? 'failing' : 'normal';
}

/**
 * The file in assets/tray for `variant` (Electron picks the `@2x` sibling on HiDPI screens). macOS gets the
 * black-and-alpha template image it recolours for light and dark menu bars; the failing variant stays in
 * colour everywhere so it stands out.
 */
export function trayIconFile(platform: NodeJS.Platform, variant: TrayIconVariant): string {
  if (variant === 'failing') return 'tray-failing.png';
  return platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}
