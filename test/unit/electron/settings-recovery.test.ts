import Conf from 'conf';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corruptPathFor, describeRecoveryNotice } from '../../../src-main/electron/settings-recovery.js';
import { openSettingsStore } from '../../../src-main/electron/settings-store.js';
import type { Lineup } from '../../../src-main/shared/lineup-types.js';
import { configPath, filesIn, readConfig, useTempDirs, writeConfig } from './settings-files.js';

const tempDir = useTempDirs();
const AT = Date.UTC(2026, 10, 25, 10, 0, 0, 0);
const CORRUPT_NAME = 'config.corrupt-2026-11-25T10-00-00-000Z.json';

const LINEUP: Lineup = {
  channels: [{ id: 'news', name: 'News', enabled: true, sources: [{ id: 's1', url: 'http://origin.test/news.m3u8' }] }],
  providers: [],
};

/** A folder whose settings were saved once by the app: config.json and config.json.bak hold LINEUP. */
async function savedOnce(): Promise<string> {
  const dir = tempDir();
  const { store } = openSettingsStore({ Store: Conf, cwd: dir });
  await store.load(async () => 5000);
  store.saveLineup(LINEUP);
  return dir;
}

const open = (dir: string) => openSettingsStore({ Store: Conf, cwd: dir, now: () => AT });

describe('corrupt settings file recovery (conf, real files)', () => {
  it.each([
    ['truncated JSON', (good: string) => good.slice(0, good.length / 2)],
    ['hand-broken JSON', (good: string) => good.replace('"lan": false,', '"lan": false,,')],
    ['a wrong type', (good: string) => good.replace('"port": 5000', '"port": "five thousand"')],
    ['an empty file', () => ''],
  ])('moves a file with %s aside and restores the last good backup', async (_case, breakIt) => {
    const dir = await savedOnce();
    const good = readFileSync(configPath(dir), 'utf8');
    const broken = breakIt(good);
    writeFileSync(configPath(dir), broken);

    const { store, notice } = open(dir);

    expect(notice).toMatchObject({ kind: 'restored-backup', movedTo: path.join(dir, CORRUPT_NAME) });
    // Nothing is lost: the broken bytes are kept, the lineup is back.
    expect(readFileSync(path.join(dir, CORRUPT_NAME), 'utf8')).toBe(broken);
    const loaded = await store.load(async () => {
      throw new Error('the port is already chosen');
    });
    expect(loaded.lineup).toEqual(LINEUP);
    expect(loaded.settings.port).toBe(5000);
    expect(filesIn(dir)).toEqual([CORRUPT_NAME, 'config.json', 'config.json.bak']);
  });

  it('starts from defaults with a notice when there is no backup, keeping the broken file', () => {
    const dir = tempDir();
    writeConfig(dir, '{"port": 5000, "lineup": {"channels": [');
    const { notice } = open(dir);
    expect(notice).toMatchObject({ kind: 'reset', reason: expect.stringMatching(/JSON/) });
    expect(readFileSync(path.join(dir, CORRUPT_NAME), 'utf8')).toBe('{"port": 5000, "lineup": {"channels": [');
    expect(readConfig(dir)).toMatchObject({ lineup: { channels: [], providers: [] } });
  });

  it('keeps a backup that is broken too, under its own name, and starts from defaults', async () => {
    const dir = await savedOnce();
    writeFileSync(configPath(dir), '{');
    writeFileSync(`${configPath(dir)}.bak`, '{"port": -1}');
    const { notice } = open(dir);
    expect(notice?.kind).toBe('reset');
    expect(filesIn(dir)).toEqual([
      'config.corrupt-2026-11-25T10-00-00-000Z.json',
      'config.corrupt-backup-2026-11-25T10-00-00-000Z.json',
      'config.json',
      'config.json.bak',
    ]);
    expect(readFileSync(path.join(dir, 'config.corrupt-backup-2026-11-25T10-00-00-000Z.json'), 'utf8')).toBe('{"port": -1}');
  });

  it('says nothing when the file is fine, and refreshes the backup', async () => {
    const dir = await savedOnce();
    const { notice } = open(dir);
    expect(notice).toBeNull();
    expect(readFileSync(`${configPath(dir)}.bak`, 'utf8')).toBe(readFileSync(configPath(dir), 'utf8'));
  });

  it('never overwrites an earlier corrupt copy', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, CORRUPT_NAME), 'earlier');
    const next = corruptPathFor(configPath(dir), AT);
    expect(path.basename(next)).toBe('config.corrupt-2026-11-25T10-00-00-000Z-2.json');
    expect(existsSync(next)).toBe(false);
  });

  it('tells the user what happened and where the file went', () => {
    const restored = describeRecoveryNotice({ kind: 'restored-backup', movedTo: '/x/config.corrupt-1.json', reason: 'Unexpected end of JSON input' });
    expect(restored.title).toBe('Settings restored from backup');
    expect(restored.body).toContain('Unexpected end of JSON input');
    expect(restored.body).toContain('/x/config.corrupt-1.json');
    expect(describeRecoveryNotice({ kind: 'reset', movedTo: '/x/c.json', reason: 'r' }).title).toBe('Settings reset');
  });
});
