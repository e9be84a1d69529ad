import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Options as ConfOptions } from 'conf';
import { DEFAULT_SETTINGS, type Lineup, type RelaySettings } from '../shared/lineup-types.js';
import { toConfMigrations } from './settings-migrations.js';
import {
  backupPathFor,
  openWithRecovery,
  verifyWritten,
  writeBackup,
  type RecoveryNotice,
  type SettingsFiles,
} from './settings-recovery.js';
import {
  SETTINGS_FORMAT_VERSION,
  SETTINGS_ROOT_SCHEMA,
  SETTINGS_SCHEMA,
  STORED_DEFAULTS,
  type StoredSettings,
} from './settings-schema.js';

/** The part of a conf / electron-store instance the shell uses. */
export interface SettingsBackend {
  readonly path: string;
  store: StoredSettings;
}

/**
 * The store class: electron-store in the app, conf itself in tests (electron-store cannot be imported
 * outside Electron). Both take conf's options; electron-store keeps a given `projectVersion`.
 */
export type SettingsBackendClass = new (options: ConfOptions<StoredSettings>) => SettingsBackend;

export interface DesktopSettings {
  settings: RelaySettings;
  lineup: Lineup;
  /** Bearer token of the control API, generated on the first run and kept. */
  token: string;
}

export interface SettingsStore {
  readonly files: SettingsFiles;
  /** Fills in what the first run decides (the port, the token) and returns everything the relay needs. */
  load(choosePort: () => Promise<number>): Promise<DesktopSettings>;
  saveSettings(settings: RelaySettings): void;
  saveLineup(lineup: Lineup): void;
}

export interface OpenSettingsOptions {
  Store: SettingsBackendClass;
  /** Folder of config.json (the app's userData folder). */
  cwd: string;
  now?: () => number;
}

/** conf options of the settings file: schema, defaults and migrations, never clearing an invalid file. */
export function settingsStoreOptions(cwd: string): ConfOptions<StoredSettings> {
  return {
    cwd,
    configName: 'config',
    projectVersion: SETTINGS_FORMAT_VERSION,
    schema: SETTINGS_SCHEMA,
    rootSchema: SETTINGS_ROOT_SCHEMA,
    defaults: STORED_DEFAULTS,
    migrations: toConfMigrations(),
    clearInvalidConfig: false,
    // A file hand-edited in Notepad starts with a BOM; it is still the user's settings.
    deserialize: (text: string) => JSON.parse(text.replace(/^\uFEFF/, '')) as StoredSettings,
  };
}

/**
 * Opens `config.json` in `cwd`, recovering from an unreadable file (see openWithRecovery); `notice` is
 * non-null when the user must be told. Every successful write refreshes the `.bak` copy.
 */
export function openSettingsStore(options: OpenSettingsOptions): { store: SettingsStore; notice: RecoveryNotice | null } {
  const path = join(options.cwd, 'config.json');
  const files: SettingsFiles = { path, backupPath: backupPathFor(path) };
  const { value: backend, notice } = openWithRecovery(
    () => new options.Store(settingsStoreOptions(options.cwd)),
    files,
    options.now,
  );
  writeBackup(files);

  const update = (patch: Partial<StoredSettings>): void => {
    const next = { ...backend.store, ...patch };
    backend.store = next;
    // conf's atomic write ignores short writes on a full disk: check what landed before trusting it.
    verifyWritten(files, next);
    try {
      writeBackup(files);
    } catch {
      // The save itself landed; the older backup stays, still good.
    }
  };

  const store: SettingsStore = {
    files,
    async load(choosePort) {
      const stored = backend.store;
      const port = stored.port ?? (await choosePort());
      const token = stored.token ?? generateToken();
      if (stored.port === undefined || stored.token === undefined) update({ port, token });
      const current = backend.store;
      return { settings: { ...pickRelaySettings(current), port } as RelaySettings, lineup: current.lineup, token };
    },
    saveSettings(settings) {
      update(pickRelaySettings(settings));
    },
    saveLineup(lineup) {
      update({ lineup });
    },
  };
  return { store, notice };
}

const RELAY_SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof RelaySettings)[];

/** Only the RelaySettings keys (the file also holds the lineup, the token and conf's bookkeeping). */
function pickRelaySettings(source: Partial<Record<keyof RelaySettings, unknown>>): Partial<RelaySettings> {
  return Object.fromEntries(RELAY_SETTING_KEYS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

/** 256 random bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
