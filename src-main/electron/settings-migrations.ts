import type Conf from 'conf';
import type { Options as ConfOptions } from 'conf';
import type { ChannelConfig, SourceConfig } from '../shared/lineup-types.js';
import type { StoredSettings } from './settings-schema.js';

/**
 * Versioned rewrites of the settings file. Each step is a pure function from the document as an older
 * release wrote it to the next format; conf runs the steps newer than the version recorded in the file.
 * Steps must leave an already-current document (a fresh store) unchanged.
 */
type ConfMigrations = NonNullable<ConfOptions<StoredSettings>['migrations']>;

export type DocumentMigration = (document: Record<string, unknown>) => Record<string, unknown>;

/**
 * 0.1 (first preview) kept `channels` at the top level with a bare list of `urls` and the index of the
 * active one, sizes under other names, the idle timeout in milliseconds and `notify`. 0.2 has the
 * lineup with identified sources and the RelaySettings names.
 */
export const migrateTo020: DocumentMigration = (document) => {
  const { bufferSize, playlistSize, idleTimeout, notify, channels, ...rest } = document;
  const next: Record<string, unknown> = { ...rest };
  if (typeof bufferSize === 'number') next.bufferSegments = bufferSize;
  if (typeof playlistSize === 'number') next.windowSegments = playlistSize;
  if (typeof idleTimeout === 'number') next.idleTimeoutSec = Math.max(1, Math.round(idleTimeout / 1000));
  if (typeof notify === 'boolean') next.notifications = notify;
  if (channels !== undefined) {
    if (!Array.isArray(channels)) throw new TypeError('`channels` of a 0.1 settings file must be a list');
    const taken = new Set<string>();
    next.lineup = {
      channels: channels.map((channel, index) => migrateChannel010(channel, index, taken)),
      providers: [],
    };
  }
  return next;
};

function migrateChannel010(value: unknown, index: number, taken: Set<string>): ChannelConfig {
  if (typeof value !== 'object' || value === null) throw new TypeError(`channel ${index + 1} is not an object`);
  const old = value as { id?: unknown; name?: unknown; group?: unknown; urls?: unknown; active?: unknown };
  const name = typeof old.name === 'string' && old.name.trim() !== '' ? old.name.trim() : `Channel ${index + 1}`;
  const urls = Array.isArray(old.urls) ? old.urls.filter((url): url is string => typeof url === 'string') : [];
  const sources: SourceConfig[] = urls.map((url, position) => ({ id: `s${position + 1}`, url }));
  const active = typeof old.active === 'number' ? sources[old.active] : undefined;
  const channel: ChannelConfig = {
    id: uniqueSlug(typeof old.id === 'string' ? old.id : name, taken),
    name,
    enabled: true,
    sources,
  };
  if (typeof old.group === 'string' && old.group !== '') channel.group = old.group;
  // 0.1 had no failback, so the source the user had picked stays pinned.
  if (active) Object.assign(channel, { activeSourceId: active.id, pinned: true });
  return channel;
}

/** 0.1 accepted any id; 0.2 stream URLs need `[a-z0-9-]` slugs, unique in the lineup. */
export function uniqueSlug(text: string, taken: Set<string>): string {
  const base =
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56)
      .replace(/-+$/, '') || 'channel';
  let slug = base;
  for (let suffix = 2; taken.has(slug); suffix += 1) slug = `${base}-${suffix}`;
  taken.add(slug);
  return slug;
}

export const DOCUMENT_MIGRATIONS: Readonly<Record<string, DocumentMigration>> = {
  '0.2.0': migrateTo020,
};

/** The document migrations in conf's shape: each replaces the whole store with its rewrite. */
export function toConfMigrations(
  migrations: Readonly<Record<string, DocumentMigration>> = DOCUMENT_MIGRATIONS,
): ConfMigrations {
  return Object.fromEntries(
    Object.entries(migrations).map(([version, migrate]) => [
      version,
      (store: Conf<StoredSettings>) => {
        store.store = migrate({ ...store.store }) as StoredSettings;
      },
    ]),
  );
}
