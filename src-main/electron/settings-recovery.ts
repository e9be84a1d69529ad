import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** What happened when the settings file could not be read, for the notice the user sees. */
export interface RecoveryNotice {
  kind: 'restored-backup' | 'reset';
  /** Where the unreadable file now is (its bytes unchanged). */
  movedTo: string;
  /** Why it could not be read (JSON syntax error, schema violation, failed migration). */
  reason: string;
}

export interface SettingsFiles {
  path: string;
  backupPath: string;
}

/** The `.bak` kept next to the settings file: a copy of the last file that loaded or was written. */
export function backupPathFor(path: string): string {
  return `${path}.bak`;
}

/** `config.json` → `config.corrupt-2026-11-25T10-00-00-000Z.json` (unique in its folder). */
export function corruptPathFor(path: string, at: number, tag = 'corrupt'): string {
  const extension = extname(path);
  const stem = basename(path, extension);
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  let candidate = join(dirname(path), `${stem}.${tag}-${stamp}${extension}`);
  for (let n = 2; existsSync(candidate); n += 1) {
    candidate = join(dirname(path), `${stem}.${tag}-${stamp}-${n}${extension}`);
  }
  return candidate;
}

/**
 * Copies the settings file to its backup through a temporary file, so the backup is never half written;
 * a file that does not parse is never copied over a good backup.
 */
export function writeBackup(files: SettingsFiles): void {
  if (!existsSync(files.path) || parsedFile(files.path) === undefined) return;
  const temporary = `${files.backupPath}.tmp`;
  try {
    copyFileSync(files.path, temporary);
    renameSync(temporary, files.backupPath);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Checks that the settings file holds `expected`. When it does not (a write cut short by a full disk), the
 * last good backup is put back and the save fails with an error the shell reports.
 */
export function verifyWritten(files: SettingsFiles, expected: unknown): void {
  const written = parsedFile(files.path);
  if (written !== undefined && JSON.stringify(written) === JSON.stringify(expected)) return;
  if (existsSync(files.backupPath) && parsedFile(files.backupPath) !== undefined) copyFileSync(files.backupPath, files.path);
  throw new Error('The settings could not be written completely (is the disk full?); the previous settings are kept');
}

function parsedFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Opens the store with `open`; when the file cannot be read, its original bytes are moved aside, the last
 * good backup is restored (or, without a usable one, the store starts from defaults) and a notice says so.
 * Never deletes user data: unreadable files and backups are kept under `*.corrupt-<time>.json`.
 * Throws what `open` throws when even a fresh file cannot be opened.
 */
export function openWithRecovery<T>(
  open: () => T,
  files: SettingsFiles,
  now: () => number = Date.now,
): { value: T; notice: RecoveryNotice | null } {
  // Read before opening: a failed open may already have rewritten parts of the file.
  const original = existsSync(files.path) ? readFileSync(files.path) : null;
  let failure: unknown;
  try {
    return { value: open(), notice: null };
  } catch (error) {
    if (original === null) throw error;
    failure = error;
  }
  const movedTo = corruptPathFor(files.path, now());
  writeFileSync(movedTo, original, { flag: 'wx' });
  rmSync(files.path, { force: true });
  const reason = failure instanceof Error ? failure.message : String(failure);

  if (existsSync(files.backupPath)) {
    copyFileSync(files.backupPath, files.path);
    try {
      return { value: open(), notice: { kind: 'restored-backup', movedTo, reason } };
    } catch {
      rmSync(files.path, { force: true });
      renameSync(files.backupPath, corruptPathFor(files.path, now(), 'corrupt-backup'));
    }
  }
  return { value: open(), notice: { kind: 'reset', movedTo, reason } };
}

/** The words of the notice shown once after a recovery. */
export function describeRecoveryNotice(notice: RecoveryNotice): { title: string; body: string } {
  const kept = `The unreadable file was kept as ${notice.movedTo}.`;
  if (notice.kind === 'restored-backup') {
    return {
      title: 'Settings restored from backup',
      body: `HLS Relay could not read its settings file (${notice.reason}). The last good copy was restored. ${kept}`,
    };
  }
  return {
    title: 'Settings reset',
    body: `HLS Relay could not read its settings file (${notice.reason}) and had no usable backup, so it started with default settings and an empty lineup. ${kept}`,
  };
}
