import Conf from 'conf';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choosePort } from '../../../src-main/electron/port-choice.js';
import { openSettingsStore } from '../../../src-main/electron/settings-store.js';
import { DEFAULT_SETTINGS, type Lineup } from '../../../src-main/shared/lineup-types.js';
import { configPath, readConfig, useTempDirs } from './settings-files.js';
import { holdPort } from './held-port.js';

const tempDir = useTempDirs();

describe('settings store (conf, real files)', () => {
  it('chooses the port and the token on the first run and keeps them', async () => {
    const dir = tempDir();
    const held = await holdPort();
    try {
      const first = await openSettingsStore({ Store: Conf, cwd: dir }).store.load(() => choosePort({ startPort: held.port }));
      expect(first.settings.port).toBeGreaterThan(held.port);
      expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      let asked = false;
      const second = await openSettingsStore({ Store: Conf, cwd: dir }).store.load(async () => {
        asked = true;
        return 1;
      });
      expect(asked).toBe(false);
      expect(second.settings.port).toBe(first.settings.port);
      expect(second.token).toBe(first.token);
    } finally {
      await held.release();
    }
  });

  it('returns exactly the relay settings, with defaults', async () => {
    const { store } = openSettingsStore({ Store: Conf, cwd: tempDir() });
    const { settings, lineup } = await store.load(async () => 5002);
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, port: 5002 });
    expect(lineup).toEqual({ channels: [], providers: [] });
  });

  it('saves settings and the lineup, and the backup follows every save', async () => {
    const dir = tempDir();
    const { store } = openSettingsStore({ Store: Conf, cwd: dir });
    const { settings } = await store.load(async () => 5003);
    const lineup: Lineup = {
      channels: [{ id: 'film', name: 'Film', enabled: false, sources: [{ id: 'a', url: 'https://o.test/f.m3u8', label: 'HD' }], pinned: true, activeSourceId: 'a' }],
      providers: [{ id: 'acme', maxConnections: 1 }],
    };
    store.saveLineup(lineup);
    store.saveSettings({ ...settings, lan: true, idleTimeoutSec: 120 });

    const reopened = await openSettingsStore({ Store: Conf, cwd: dir }).store.load(async () => 1);
    expect(reopened.lineup).toEqual(lineup);
    expect(reopened.settings).toMatchObject({ lan: true, idleTimeoutSec: 120, port: 5003 });
    expect(readFileSync(`${configPath(dir)}.bak`, 'utf8')).toBe(readFileSync(configPath(dir), 'utf8'));
  });

  it('refuses to save settings the schema rejects, keeping the file', async () => {
    const dir = tempDir();
    const { store } = openSettingsStore({ Store: Conf, cwd: dir });
    const { settings } = await store.load(async () => 5004);
    const before = readConfig(dir);
    expect(() => store.saveSettings({ ...settings, bufferSegments: -1 })).toThrow(/bufferSegments/);
    expect(readConfig(dir)).toEqual(before);
  });
});
