import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import { createConfigSaver, readConfigFile, writeConfigFile } from '../../../src-main/cli/config-file.js';
import { RelayError } from '../../../src-main/core/errors.js';
import { serializeLineup } from '../../../src-main/core/lineup/lineup-json.js';
import { openSettingsStore } from '../../../src-main/electron/settings-store.js';
import { DEFAULT_SETTINGS, type Lineup } from '../../../src-main/shared/lineup-types.js';
import { configPath, filesIn, useTempDirs } from '../../unit/electron/settings-files.js';

/**
 * The two settings files (the CLI's --config lineup and the desktop config.json on conf) under what happens
 * to real files: hand edits that break them, a disk that fills up in the middle of a save, and many saves at
 * once. What a user needs afterwards: no channel lost, a file that parses, the previous good version kept.
 * Full disks are real: a 256 KiB tmpfs filled to a chosen number of free pages.
 */

const tempDir = useTempDirs();
const AT = Date.UTC(2026, 10, 25, 10, 0, 0, 0);

/** `count` channels ch-0 … ch-(count-1): a lineup that grew one channel at a time. */
function lineupOf(count: number): Lineup {
  return {
    channels: Array.from({ length: count }, (_, n) => ({
      id: `ch-${n}`,
      name: `Channel ${n}`,
      enabled: true,
      sources: [{ id: 's1', url: `http://origin.test/${n}/index.m3u8`, label: 'HD' }],
    })),
    providers: [],
  };
}

/** How many of ch-0 … ch-(n-1) a parsed lineup holds, in order; -1 when it is anything else. */
function prefixLength(channels: { id: string }[]): number {
  return channels.every((channel, n) => channel.id === `ch-${n}`) ? channels.length : -1;
}

function temporaryFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /tmp/i.test(name));
}

// --- A disk that fills up -------------------------------------------------------------------------------------

interface TinyDisk {
  dir: string;
  /** Fills the disk so that exactly `pages` pages (4 KiB) stay free. */
  fill(pages: number): void;
  /** Removes the filler. */
  free(): void;
  /** Removes everything. */
  empty(): void;
}

/** Runs `body` on a 256 KiB tmpfs; skips loudly where mounting is not permitted (not root, no CAP_SYS_ADMIN). */
async function onTinyDisk(skip: () => void, body: (disk: TinyDisk) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hls-relay-tiny-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    console.warn(`\n*** SKIPPING: cannot mount a tmpfs for the full-disk case (${String(error).split('\n')[0]}); run as root ***\n`);
    skip();
    return;
  }
  const filler = join(dir, 'filler');
  const disk: TinyDisk = {
    dir,
    fill(pages) {
      const { bavail, bsize } = statfsSync(dir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail - pages) * bsize));
    },
    free: () => rmSync(filler, { force: true }),
    empty: () => {
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
    },
  };
  try {
    await body(disk);
  } finally {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Free pages to leave in the sweeps: from none to more than the biggest save needs. */
const FREE_PAGES = Array.from({ length: 9 }, (_, n) => n);

// --- A reader on another thread ---------------------------------------------------------------------------------

interface ReaderReport {
  reads: number;
  /** Reads that found no file or a file that did not parse. */
  failures: string[];
  /** Channel counts seen, in order (repeats collapsed). */
  counts: number[];
}

/** Reads and parses `path` in a loop on a worker thread (real concurrency with the writer) until stopped. */
function startReader(path: string, channelsOf: 'lineup' | 'store'): { stop(): Promise<ReaderReport> } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { readFileSync } = require('node:fs');
    const { parentPort, workerData } = require('node:worker_threads');
    const report = { reads: 0, failures: [], counts: [] };
    while (Atomics.load(workerData.flag, 0) === 0) {
      report.reads += 1;
      let text = '';
      try {
        text = readFileSync(workerData.path, 'utf8');
        const data = JSON.parse(text);
        const channels = workerData.channelsOf === 'store' ? data.lineup.channels : data.channels;
        const count = channels.every((channel, n) => channel.id === 'ch-' + n) ? channels.length : -1;
        if (report.counts.at(-1) !== count) report.counts.push(count);
      } catch (error) {
        if (report.failures.length < 5) report.failures.push(String(error).slice(0, 120) + ' ' + JSON.stringify(text.slice(0, 40)));
      }
    }
    parentPort.postMessage(report);
    `,
    { eval: true, workerData: { path, channelsOf, flag } },
  );
  const result = new Promise<ReaderReport>((resolve, reject) => {
    worker.once('message', (report: ReaderReport) => resolve(report));
    worker.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(flag, 0, 1);
      const report = await result;
      await worker.terminate();
      return report;
    },
  };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// --- The CLI's --config file --------------------------------------------------------------------------------

describe('CLI --config file: broken by hand', () => {
  /** A config saved twice by the CLI: FILE holds 3 channels, FILE.bak 2. */
  async function savedConfig(): Promise<string> {
    const path = join(tempDir(), 'lineup.json');
    await writeConfigFile(path, lineupOf(2));
    await writeConfigFile(path, lineupOf(3));
    return path;
  }

  it('refuses a file cut at any byte with settings-invalid naming the file and the position, and changes nothing', async () => {
    const path = await savedConfig();
    const good = readFileSync(path, 'utf8');
    const backup = readFileSync(`${path}.bak`, 'utf8');
    for (let cut = 0; cut < good.length; cut += 1) {
      const broken = good.slice(0, cut);
      writeFileSync(path, broken);
      try {
        // Only the trailing newline may go: the JSON is whole without it.
        expect(await readConfigFile(path), `cut at ${cut}`).toEqual(lineupOf(3));
        expect(cut).toBe(good.length - 1);
      } catch (error) {
        expect(error, `cut at ${cut}`).toBeInstanceOf(RelayError);
        expect((error as RelayError).code).toBe('settings-invalid');
        expect((error as RelayError).message).toContain(path);
        expect((error as RelayError).message, `cut at ${cut}`).toMatch(/line \d+,? column \d+/);
      }
      expect(readFileSync(path, 'utf8')).toBe(broken);
      expect(readFileSync(`${path}.bak`, 'utf8')).toBe(backup);
    }
  });

  it.each([
    ['a trailing comma', (good: string) => good.replace(/}\n {2}\],/, '},\n  ],')],
    ['single quotes', (good: string) => good.replace(/"/g, "'")],
    ['a comment', (good: string) => `// my channels\n${good}`],
    ['NUL bytes where the data was (a crash on a delayed-allocation filesystem)', (good: string) => '\0'.repeat(good.length)],
    ['nothing (an empty file)', () => ''],
    ['UTF-16 (Notepad "Unicode")', (good: string) => Buffer.from(`\uFEFF${good}`, 'utf16le').toString('latin1')],
    ['a source URL that is not http(s)', (good: string) => good.replace('http://origin.test/1/index.m3u8', 'file:///etc/passwd')],
    ['two channels with one id', (good: string) => good.replace('"id": "ch-2"', '"id": "ch-1"')],
  ])('refuses a file with %s, naming the file, and leaves it as it is', async (_case, breakIt) => {
    const path = await savedConfig();
    const broken = breakIt(readFileSync(path, 'utf8'));
    expect(broken).not.toBe(readFileSync(path, 'utf8'));
    writeFileSync(path, broken, 'latin1');
    const error = await readConfigFile(path).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RelayError);
    expect((error as RelayError).code).toBe('settings-invalid');
    expect((error as RelayError).message).toContain(path);
    expect(readFileSync(path, 'latin1')).toBe(broken);
  });

  it('reads a file saved with a BOM (Notepad, UTF-8)', async () => {
    const path = await savedConfig();
    writeFileSync(path, `\uFEFF${readFileSync(path, 'utf8')}`);
    expect(await readConfigFile(path)).toEqual(lineupOf(3));
  });

    // An fs error (a folder, no permission) must still say which file.
  it('names the file when it cannot be read at all (a folder)', async () => {
    const path = join(tempDir(), 'lineup.json');
    mkdirSync(path);
    await expect(readConfigFile(path)).rejects.toThrow(path);
  });

  // Missing: the CLI keeps FILE.bak (the previous save) but never mentions it. With a broken FILE it exits with
  // "hls-relay: FILE: The lineup is not valid JSON: …", and the user does not learn that yesterday's lineup
  // is one copy away. Expected: the message names FILE.bak when it exists and parses (the desktop app even
  // restores it itself).
  it('points the user at the previous good copy (FILE.bak) when FILE is broken', async () => {
    const path = await savedConfig();
    writeFileSync(path, '{"channels": [');
    await expect(readConfigFile(path)).rejects.toThrow(`${path}.bak`);
  });
});

describe('CLI --config file: a full disk during a save', () => {
  /** FILE holds 40 channels, FILE.bak 5; then a save of 60 channels meets a disk with `pages` free. */
  async function saveOnFullDisk(disk: TinyDisk, pages: number): Promise<{ path: string; error: NodeJS.ErrnoException | null }> {
    disk.empty();
    const path = join(disk.dir, 'lineup.json');
    await writeConfigFile(path, lineupOf(5));
    await writeConfigFile(path, lineupOf(40));
    disk.fill(pages);
    const error = await writeConfigFile(path, lineupOf(60)).then(
      () => null,
      (caught: NodeJS.ErrnoException) => caught,
    );
    disk.free();
    return { path, error };
  }

  it('never damages FILE: a failed save reports ENOSPC and FILE keeps the last lineup; the next save works', async ({ skip }) => {
    await onTinyDisk(skip, async (disk) => {
      const outcomes: string[] = [];
      for (const pages of FREE_PAGES) {
        const { path, error } = await saveOnFullDisk(disk, pages);
        outcomes.push(error ? error.code ?? 'error' : 'saved');
        if (error) expect(error.code, `${pages} pages free`).toBe('ENOSPC');
        expect(readFileSync(path, 'utf8'), `${pages} pages free`).toBe(serializeLineup(lineupOf(error ? 40 : 60)));
        expect(await readConfigFile(path)).toEqual(lineupOf(error ? 40 : 60));
      }
      // The sweep must cover both outcomes, or it proves nothing.
      expect(outcomes).toContain('ENOSPC');
      expect(outcomes).toContain('saved');

      // Through the CLI's saver: the error goes to onError, and the next save with room succeeds.
      disk.empty();
      const path = join(disk.dir, 'lineup.json');
      await writeConfigFile(path, lineupOf(40));
      const errors: Error[] = [];
      const save = createConfigSaver(path, (error) => errors.push(error));
      disk.fill(0);
      save(lineupOf(60));
      await until(() => errors.length === 1, 5000, 'the saver to report the full disk');
      expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
      disk.free();
      disk.empty();
      await writeConfigFile(path, lineupOf(40));
      save(lineupOf(61));
      await until(() => readFileSync(path, 'utf8') === serializeLineup(lineupOf(61)), 5000, 'the save after the disk was freed');
      expect(readFileSync(`${path}.bak`, 'utf8')).toBe(serializeLineup(lineupOf(40)));
    });
  });

    // A copy that meets a full disk is deleted by libuv: FILE.bak is written as FILE.bak.tmp, then renamed.
  it('keeps FILE.bak, parseable, whatever the disk had room for', async ({ skip }) => {
    await onTinyDisk(skip, async (disk) => {
      for (const pages of FREE_PAGES) {
        const { path } = await saveOnFullDisk(disk, pages);
        expect(filesIn(disk.dir), `${pages} pages free`).toContain('lineup.json.bak');
        expect(prefixLength((JSON.parse(readFileSync(`${path}.bak`, 'utf8')) as Lineup).channels)).toBeGreaterThan(0);
      }
    });
  });

    // A failed write must not leave a temporary file on a disk that is already full.
  it('leaves no temporary file behind after a failed save', async ({ skip }) => {
    await onTinyDisk(skip, async (disk) => {
      for (const pages of FREE_PAGES) {
        await saveOnFullDisk(disk, pages);
        expect(temporaryFiles(disk.dir), `${pages} pages free`).toEqual([]);
      }
    });
  });
});

describe('CLI --config file: many saves at once', () => {
  it('serialises 300 quick saves through createConfigSaver: the file always parses, never goes back, the last lineup wins', async () => {
    const dir = tempDir();
    const path = join(dir, 'lineup.json');
    await writeConfigFile(path, lineupOf(0));
    const errors: Error[] = [];
    const save = createConfigSaver(path, (error) => errors.push(error));
    const reader = startReader(path, 'lineup');
    try {
      // What the relay does on quick edits: one save per lineup change, from many async turns.
      for (let count = 1; count <= 300; count += 1) {
        save(lineupOf(count));
        if (count % 7 === 0) await nextTurn();
      }
      await until(() => readFileSync(path, 'utf8') === serializeLineup(lineupOf(300)), 10_000, 'the last save');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      const report = await reader.stop();
      expect(report.failures).toEqual([]);
      expect(report.reads).toBeGreaterThan(10);
      // A later save never loses channels an earlier one had.
      expect(report.counts).toEqual([...report.counts].sort((a, b) => a - b));
      expect(report.counts.at(-1)).toBe(300);
    }
    expect(readFileSync(path, 'utf8')).toBe(serializeLineup(lineupOf(300)));
    expect(errors).toEqual([]);
    const previous = prefixLength((JSON.parse(readFileSync(`${path}.bak`, 'utf8')) as Lineup).channels);
    expect(previous).toBeGreaterThanOrEqual(0);
    expect(previous).toBeLessThan(300);
    expect(temporaryFiles(dir)).toEqual([]);
  });

  // Latent bug: every writeConfigFile of one process uses the same temporary name `.FILE.<pid>.tmp`, so two
  // calls at once write into one file and all but one rename fail with ENOENT (and one may rename the other's
  // half-written bytes into place). createConfigSaver serialises its own calls, so the CLI is safe today; any
  // second caller (an import, a second relay) is not. Expected: a unique temporary name per call (pid plus a
  // counter or random suffix).
  it('lets ten writeConfigFile calls run at once, each succeeding, one whole lineup left', async () => {
    const path = join(tempDir(), 'lineup.json');
    await writeConfigFile(path, lineupOf(1));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => writeConfigFile(path, lineupOf(n % 2 === 0 ? 3 : 200))));
    expect(results.map((result) => result.status)).toEqual(Array(10).fill('fulfilled'));
    expect([3, 200]).toContain(prefixLength((JSON.parse(readFileSync(path, 'utf8')) as Lineup).channels));
  });
});

// --- The desktop settings store (conf, as electron-store uses it) ---------------------------------------------

const openStore = (dir: string) => openSettingsStore({ Store: Conf, cwd: dir, now: () => AT });

/** The lineup the app would start with. */
async function reopenedLineup(dir: string): Promise<{ lineup: Lineup; notice: string | null }> {
  const { store, notice } = openStore(dir);
  const { lineup } = await store.load(async () => 5000);
  return { lineup, notice: notice?.kind ?? null };
}

/** A store that saved `count` channels: config.json and config.json.bak both hold them. */
async function storeWith(dir: string, count: number): Promise<ReturnType<typeof openStore>['store']> {
  const { store } = openStore(dir);
  await store.load(async () => 5000);
  store.saveLineup(lineupOf(count));
  return store;
}

describe('desktop settings: broken by hand or by a crash', () => {
  it('restores the backup for a config.json cut anywhere (or NUL-filled), keeping the broken bytes', async () => {
    const dir = tempDir();
    await storeWith(dir, 4);
    const good = readFileSync(configPath(dir), 'utf8');
    const cuts = [0, 1, 2, 10, ...Array.from({ length: 24 }, (_, n) => Math.floor(((n + 1) * good.length) / 25)), good.length - 2, good.length - 1];
    for (const broken of [...cuts.map((cut) => good.slice(0, cut)), '\0'.repeat(good.length)]) {
      for (const name of filesIn(dir)) if (name.includes('corrupt')) unlinkSync(join(dir, name));
      writeFileSync(configPath(dir), broken);
      const { lineup, notice } = await reopenedLineup(dir);
      const what = `${broken.length} bytes of ${good.length}`;
      expect(lineup, what).toEqual(lineupOf(4));
      // Only a cut of the trailing whitespace leaves a whole file.
      if (notice === null) expect(JSON.parse(broken), what).toBeTruthy();
      else {
        expect(notice, what).toBe('restored-backup');
        const kept = filesIn(dir).find((name) => name.startsWith('config.corrupt-'));
        expect(readFileSync(join(dir, kept!), 'utf8'), what).toBe(broken);
      }
    }
  });

    // A file saved with a BOM (Notepad's UTF-8) is still the user's settings.
  it('keeps a hand edit saved with a BOM instead of discarding it', async () => {
    const dir = tempDir();
    await storeWith(dir, 4);
    const edited = readFileSync(configPath(dir), 'utf8').replace('"Channel 3"', '"My channel"');
    writeFileSync(configPath(dir), `\uFEFF${edited}`);
    const { lineup, notice } = await reopenedLineup(dir);
    expect(notice).toBeNull();
    expect(lineup.channels[3]?.name).toBe('My channel');
  });
});

describe('desktop settings: a full disk during a save', () => {
  it('with no room at all, the save throws and both files keep the saved lineup', async ({ skip }) => {
    await onTinyDisk(skip, async (disk) => {
      const store = await storeWith(disk.dir, 20);
      disk.fill(0);
      expect(() => store.saveLineup(lineupOf(60))).toThrow(/ENOSPC/);
      disk.free();
      for (const file of [configPath(disk.dir), `${configPath(disk.dir)}.bak`]) {
        expect(prefixLength((JSON.parse(readFileSync(file, 'utf8')) as { lineup: Lineup }).lineup.channels), file).toBe(20);
      }
      expect(await reopenedLineup(disk.dir)).toEqual({ lineup: lineupOf(20), notice: null });
    });
  });

  // Bug (data loss): conf writes through atomically's writeFileSync, which makes ONE fs.writeSync call and
  // ignores a short count (github.com/fabiospampinato/atomically/pull/18, open). On a nearly full disk the
  // kernel writes what fits and returns: config.json is renamed into place cut at a page boundary (4096 or
  // 8192 bytes of 11 164) and saveLineup does not even throw. writeBackup then copies that broken file over
  // config.json.bak. With 1 page free, both files are broken and the next start resets to an empty lineup:
  // every channel is gone. Expected: never lose the saved lineup — at least, writeBackup refuses to copy a
  // file that does not parse (the next start then restores the previous lineup), and the store reads back
  // what it wrote and throws when it differs (the shell's guard tells the user); fix or replace atomically.
  it('never loses the saved lineup when the disk fills up during a save, whatever room is left', async ({ skip }) => {
    await onTinyDisk(skip, async (disk) => {
      for (const pages of FREE_PAGES) {
        disk.empty();
        const store = await storeWith(disk.dir, 20);
        disk.fill(pages);
        let threw = false;
        try {
          store.saveLineup(lineupOf(60));
        } catch {
          threw = true;
        }
        disk.free();
        const { lineup } = await reopenedLineup(disk.dir);
        // A save that did not throw must be the one the app starts with; a failed one leaves the old lineup.
        expect(prefixLength(lineup.channels), `${pages} pages free, save ${threw ? 'threw' : 'returned'}`).toBe(threw ? 20 : 60);
      }
    });
  });
});

describe('desktop settings: many saves at once', () => {
  it('keeps every lineup and settings change of interleaved saves; files always parse; the backup follows', async () => {
    const dir = tempDir();
    const { store } = openStore(dir);
    const { settings } = await store.load(async () => 5000);
    const reader = startReader(configPath(dir), 'store');
    const backupReader = startReader(`${configPath(dir)}.bak`, 'store');
    let count = 0;
    try {
      // 40 tasks (IPC handlers, API requests) each saving ten times, interleaved.
      await Promise.all(
        Array.from({ length: 40 }, async (_, task) => {
          for (let step = 0; step < 10; step += 1) {
            await nextTurn();
            count += 1;
            store.saveLineup(lineupOf(count));
            if (step === 5) store.saveSettings({ ...settings, idleTimeoutSec: 60 + task });
          }
        }),
      );
      // Let the readers see the final state.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      const reports = [await reader.stop(), await backupReader.stop()];
      for (const report of reports) {
        expect(report.failures).toEqual([]);
        expect(report.counts).toEqual([...report.counts].sort((a, b) => a - b));
      }
      expect(reports[0]!.counts.at(-1)).toBe(400);
    }
    const { store: reopened, notice } = openStore(dir);
    const loaded = await reopened.load(async () => 1);
    expect(notice).toBeNull();
    expect(loaded.lineup).toEqual(lineupOf(400));
    expect(loaded.settings).toEqual({ ...DEFAULT_SETTINGS, port: 5000, idleTimeoutSec: 99 });
    expect(readFileSync(`${configPath(dir)}.bak`, 'utf8')).toBe(readFileSync(configPath(dir), 'utf8'));
    expect(temporaryFiles(dir)).toEqual([]);
  });
});
