import Conf from 'conf';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { settingsStoreOptions } from '../../../src-main/electron/settings-store.js';

/** A fresh temp folder per test, removed afterwards. */
export function useTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hls-relay-settings-'));
    dirs.push(dir);
    return dir;
  };
}

/** conf on `dir` with the app's settings options: the same store electron-store gives the app. */
export function openConf(dir: string): Conf<Record<string, unknown>> {
  return new Conf(settingsStoreOptions(dir) as ConstructorParameters<typeof Conf>[0]);
}

export const configPath = (dir: string) => path.join(dir, 'config.json');

export function writeConfig(dir: string, content: string | object): void {
  writeFileSync(configPath(dir), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

export function readConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(configPath(dir), 'utf8')) as Record<string, unknown>;
}

export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}
