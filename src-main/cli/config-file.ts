import { existsSync } from 'node:fs';
import { copyFile, open, readFile, rename } from 'node:fs/promises';
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
  const text = await readFile(path, 'utf8');
  try {
    return parseLineupJson(text);
  } catch (error) {
    throw new RelayError('settings-invalid', `${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes to a temporary file, flushes it, then renames it over the old one: a crash never leaves half a file. */
export async function writeConfigFile(path: string, lineup: Lineup): Promise<void> {
  const text = serializeLineup(lineup);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (existsSync(path)) await copyFile(path, `${path}.bak`);
  await rename(temporary, path);
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
