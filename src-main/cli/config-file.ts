import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { copyFile, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Lineup } from '../shared/lineup-types.js';
import { parseLineupJson, serializeLineup } from '../core/lineup/lineup-json.js';
import { RelayError } from '../core/errors.js';

/**
 * The --config file: the lineup JSON (`{"channels": [...], "providers": [...]}` or a bare array). The CLI
 * writes lineup edits back to it, atomically, keeping the previous version as FILE.bak.
 */
export async function readConfigFile(path: string): Promise<Lineup> {
  if (!existsSync(path)) return { channels: [], providers: [] };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RelayError('settings-invalid', `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    return parseLineupJson(text);
  } catch (error) {
    const backup = existsSync(`${path}.bak`) ? ` The previous version is in ${path}.bak.` : '';
    throw new RelayError('settings-invalid', `${path}: ${(error as Error).message}.${backup}`, { cause: error });
  }
}

/**
 * Writes to a temporary file, flushes it, then renames it over the old one: a crash or a full disk never
 * leaves half a file. The previous version becomes FILE.bak the same way.
 */
export async function writeConfigFile(path: string, lineup: Lineup): Promise<void> {
  const temporary = temporaryName(path);
  await writeDurably(temporary, serializeLineup(lineup));
  try {
    if (existsSync(path)) {
      const backup = temporaryName(`${path}.bak`);
      try {
        await copyFile(path, backup);
        await rename(backup, `${path}.bak`);
      } finally {
        await rm(backup, { force: true });
      }
    }
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function writeDurably(file: string, text: string): Promise<void> {
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Serialises saves so two quick edits never interleave their writes; the last lineup wins. */
export function createConfigSaver(path: string, onError: (error: Error) => void): (lineup: Lineup) => void {
  let chain: Promise<void> = Promise.resolve();
  let latest: Lineup | null = null;
  return (lineup) => {
    latest = lineup;
    chain = chain.then(async () => {
      if (latest === null) return;
      const toWrite = latest;
      latest = null;
      await writeConfigFile(path, toWrite).catch(onError);
    });
  };
}
