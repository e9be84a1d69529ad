import type { VariantPreference } from '../../shared/lineup-types.js';
import type { MasterPlaylist, Variant } from './playlist-types.js';

/**
 * The variant a channel follows: the highest BANDWIDTH within the preference's limits (the lowest one when
 * nothing fits), preferring variants whose audio is muxed in, since the relay serves one media playlist.
 */
export function selectVariant(master: MasterPlaylist, preference: VariantPreference = {}): Variant {
  const fits = master.variants.filter(
    (variant) =>
      (preference.maxBandwidth === undefined || variant.bandwidth <= preference.maxBandwidth) &&
      (preference.maxHeight === undefined || variant.height === undefined || variant.height <= preference.maxHeight),
  );
  const pool = fits.length > 0 ? fits : [lowest(master.variants)];
  const muxed = pool.filter((variant) => !variant.audioGroup || !master.separateAudioGroups.includes(variant.audioGroup));
  const candidates = muxed.length > 0 ? muxed : pool;
  return candidates.reduce((best, variant) => (variant.bandwidth > best.bandwidth ? variant : best));
}

function lowest(variants: Variant[]): Variant {
  return variants.reduce((low, variant) => (variant.bandwidth < low.bandwidth ? variant : low));
}
