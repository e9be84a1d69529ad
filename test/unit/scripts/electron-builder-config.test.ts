import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout } from '../../../src-main/electron/app-layout.js';

const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// js-yaml comes with electron-builder; it has no bundled types.
const yaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  directories: { output: string };
  extraResources: { from: string; to: string }[];
  linux: { target: string[]; category: string; maintainer: string };
  win: { target: string[] };
  mac: { target: string[]; extendInfo: { LSUIElement: boolean } };
}

const text = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(text) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };

describe('electron-builder.yml', () => {
  it('names the app and packs into release/ as an asar', () => {
    expect(config).toMatchObject({ appId: 'io.hlsrelay.app', productName: 'HLS Relay', asar: true, directories: { output: 'release' } });
  });

  it('builds for the three platforms', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('AudioVideo');
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
  });

  it('packs the entry point, the preload and the renderer — and not the sources or the demo media', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/preload/preload.cjs', 'dist/renderer/**']));
    expect(packageJson.main).toBe('dist/src-main/electron/main.js');
    expect(config.files).toContain('dist/src-main/**/*.js');
    expect(config.files.some((pattern) => pattern.includes('assets') || pattern.includes('src-main/**/*.ts'))).toBe(false);
  });

  it('ships the icons where the app looks for them when packaged', () => {
    const resources = '/opt/HLS Relay/resources';
    const layout = appLayout({ appPath: `${resources}/app.asar`, isPackaged: true, resourcesPath: resources });
    const shipped = new Map(config.extraResources.map(({ from, to }) => [path.join(resources, to), from]));
    expect(shipped.get(layout.trayIconDir)).toBe('assets/tray');
    expect(shipped.get(layout.windowIcon)).toBe('assets/icon.png');
    expect(layout.preload).toBe(`${resources}/app.asar/dist/preload/preload.cjs`);
  });

  it('finds the icons in the repo in development', () => {
    const layout = appLayout({ appPath: root, isPackaged: false, resourcesPath: '/unused' });
    expect(layout.trayIconDir).toBe(path.join(root, 'assets/tray'));
    expect(readFileSync(path.join(layout.trayIconDir, 'tray.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it("passes electron-builder's own configuration schema", async () => {
    const builder = path.join(root, 'node_modules/app-builder-lib/out/util/config/config.js');
    const { getConfig, validateConfiguration } = require(builder) as {
      getConfig(projectDir: string, configPath: string, options: null): Promise<unknown>;
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require(path.join(root, 'node_modules/builder-util')) as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    // The check is real: a misspelt option fails it.
    const misspelt = { ...(loaded as { linux: object }), linux: { ...(loaded as { linux: object }).linux, catgory: 'AudioVideo' } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });
});
