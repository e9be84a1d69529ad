/** Bits per second in human units: "850 kbit/s", "4.2 Mbit/s"; "—" when unknown. */
export function formatBitrate(bps: number | null): string {
  if (bps === null || !Number.isFinite(bps) || bps < 0) return '—';
  if (bps < 1_000) return `${Math.round(bps)} bit/s`;
  if (bps < 1_000_000) return `${Math.round(bps / 1_000)} kbit/s`;
  return `${(bps / 1_000_000).toFixed(bps < 10_000_000 ? 1 : 0)} Mbit/s`;
}

/** Seconds with one decimal below ten: "4.5 s", "24 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

/** Milliseconds as "850 ms" or "1.3 s"; "—" when unknown. */
export function formatMillis(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1_000 ? `${Math.round(ms)} ms` : formatSeconds(ms / 1_000);
}

/** How long ago an epoch-ms moment was: "just now", "40 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1_000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** Local wall-clock time of an epoch-ms moment, "14:03:27". */
export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A count with thousands separators: "2,000". */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** "1 player" / "3 players". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Up to two initials for a logo placeholder: "BBC One" → "BO", "arte" → "A". */
export function initialsOf(name: string): string {
  const words = name.split(/[\s\-_.]+/u).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const letters = words.slice(0, 2).map((word) => Array.from(word.replace(/[^\p{L}\p{N}]/gu, ''))[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}
