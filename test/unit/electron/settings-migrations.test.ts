import { describe, expect, it } from 'vitest';
import { migrateTo020, uniqueSlug } from '../../../src-main/electron/settings-migrations.js';
import { STORED_DEFAULTS } from '../../../src-main/electron/settings-schema.js';
import { openConf, readConfig, useTempDirs, writeConfig } from './settings-files.js';

const tempDir = useTempDirs();

/** A settings file as the 0.1 preview wrote it. */
const PREVIEW_FILE = {
  port: 5123,
  lan: true,
  userAgent: 'Kodi/20',
  bufferSize: 24,
  playlistSize: 8,
  idleTimeout: 90_000,
  notify: false,
  channels: [
    { name: 'BBC One HD', group: 'UK', urls: ['http://a.test/bbc1.m3u8', 'http://b.test/bbc1.m3u8'], active: 1 },
    { id: 'Sky News', name: 'Sky News', urls: ['https://c.test/sky.m3u8'] },
    { name: 'BBC One HD', urls: [] },
  ],
  __internal__: { migrations: { version: '0.1.0' } },
};

describe('migrateTo020', () => {
  it('renames the 0.1 settings and builds the lineup with identified sources', () => {
    const migrated = migrateTo020(PREVIEW_FILE);
    expect(migrated).toEqual({
      port: 5123,
      lan: true,
      userAgent: 'Kodi/20',
      bufferSegments: 24,
      windowSegments: 8,
      idleTimeoutSec: 90,
      notifications: false,
      lineup: {
        channels: [
          {
            id: 'bbc-one-hd',
            name: 'BBC One HD',
            group: 'UK',
            enabled: true,
            sources: [
              { id: 's1', url: 'http://a.test/bbc1.m3u8' },
              { id: 's2', url: 'http://b.test/bbc1.m3u8' },
            ],
            activeSourceId: 's2',
            pinned: true,
          },
          { id: 'sky-news', name: 'Sky News', enabled: true, sources: [{ id: 's1', url: 'https://c.test/sky.m3u8' }] },
          { id: 'bbc-one-hd-2', name: 'BBC One HD', enabled: true, sources: [] },
        ],
        providers: [],
      },
      __internal__: { migrations: { version: '0.1.0' } },
    });
  });

  it('leaves a current document unchanged (a fresh store runs it too)', () => {
    const current = { ...STORED_DEFAULTS, port: 5000 };
    expect(migrateTo020(current)).toEqual(current);
  });

  it('refuses a 0.1 channel list that is not a list', () => {
    expect(() => migrateTo020({ channels: 'BBC' })).toThrow(/channels/);
  });

  it('makes unique slugs', () => {
    const taken = new Set<string>();
    expect(['Élan TV', 'Élan TV', '!!!', 'x'.repeat(80)].map((name) => uniqueSlug(name, taken))).toEqual([
      'elan-tv',
      'elan-tv-2',
      'channel',
      'x'.repeat(56),
    ]);
  });
});

describe('migration through conf (real file)', () => {
  it('upgrades a 0.1 file on open, records the new version and keeps it valid', () => {
    const dir = tempDir();
    writeConfig(dir, PREVIEW_FILE);
    const store = openConf(dir);
    const file = readConfig(dir);
    expect(file.__internal__).toEqual({ migrations: { version: '0.2.0' } });
    expect(file).not.toHaveProperty('channels');
    expect(file).not.toHaveProperty('bufferSize');
    expect(store.get('bufferSegments')).toBe(24);
    expect(store.get('liveEdgeSegments')).toBe(STORED_DEFAULTS.liveEdgeSegments);
    expect((store.get('lineup') as { channels: { id: string }[] }).channels.map((channel) => channel.id)).toEqual([
      'bbc-one-hd',
      'sky-news',
      'bbc-one-hd-2',
    ]);
  });

  it('upgrades a 0.1 file that never recorded a version', () => {
    const dir = tempDir();
    const { __internal__: _internal, ...unversioned } = PREVIEW_FILE;
    writeConfig(dir, unversioned);
    openConf(dir);
    expect(readConfig(dir)).toMatchObject({ idleTimeoutSec: 90, notifications: false });
  });

  it('does not run again on a file that is already 0.2', () => {
    const dir = tempDir();
    openConf(dir);
    // A 0.2 file that happens to hold a key the 0.1 step would rewrite must fail validation, not be rewritten.
    writeConfig(dir, { ...readConfig(dir), bufferSize: 99 });
    expect(() => openConf(dir)).toThrow(/schema violation/);
  });

  it('restores the file and throws when a migration fails', () => {
    const dir = tempDir();
    writeConfig(dir, { ...PREVIEW_FILE, channels: 'BBC' });
    expect(() => openConf(dir)).toThrow(/migration/);
    expect(readConfig(dir).channels).toBe('BBC');
  });
});
