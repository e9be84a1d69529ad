import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayError } from '../../../src-main/core/errors.js';
import { VLC_MISSING_MESSAGE, findVlc, openInVlc, vlcCandidates } from '../../../src-main/electron/vlc.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hls-relay-vlc-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in `vlc` on PATH that writes its arguments to a file, so a real spawn can be observed. */
function fakeVlc(): { bin: string; argsFile: string } {
  const bin = tempDir();
  const argsFile = path.join(bin, 'args.txt');
  const script = path.join(bin, 'vlc');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}.tmp' && mv '${argsFile}.tmp' '${argsFile}'\n`);
  chmodSync(script, 0o755);
  return { bin, argsFile };
}

async function waitForFile(file: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (existsSync(file)) return readFileSync(file, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${file} never appeared`);
}

describe('vlcCandidates', () => {
  it('looks in the Windows install folders, then PATH', () => {
    const candidates = vlcCandidates({
      platform: 'win32',
      env: { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', Path: 'C:\\Tools;C:\\bin' },
      homedir: 'C:\\Users\\me',
    });
    expect(candidates).toEqual([
      'C:\\Program Files\\VideoLAN\\VLC\\vlc.exe',
      'C:\\Program Files (x86)\\VideoLAN\\VLC\\vlc.exe',
      'C:\\Tools\\vlc.exe',
      'C:\\bin\\vlc.exe',
    ]);
  });

  it('looks in the macOS application folders, then PATH', () => {
    const candidates = vlcCandidates({ platform: 'darwin', env: { PATH: '/opt/homebrew/bin' }, homedir: '/Users/me' });
    expect(candidates).toEqual([
      '/Applications/VLC.app/Contents/MacOS/VLC',
      '/Users/me/Applications/VLC.app/Contents/MacOS/VLC',
      '/opt/homebrew/bin/vlc',
    ]);
  });

  it('looks on PATH first on Linux, then the usual packages (deb, snap, flatpak)', () => {
    const candidates = vlcCandidates({ platform: 'linux', env: { PATH: '/home/me/bin:/usr/bin' }, homedir: '/home/me' });
    expect(candidates).toEqual([
      '/home/me/bin/vlc',
      '/usr/bin/vlc',
      '/usr/local/bin/vlc',
      '/snap/bin/vlc',
      '/var/lib/flatpak/exports/bin/org.videolan.VLC',
      '/home/me/.local/share/flatpak/exports/bin/org.videolan.VLC',
    ]);
  });
});

// The stand-in VLC is a shell script.
const posix = process.platform !== 'win32';
if (!posix) console.warn('vlc.test: the spawn tests need a POSIX shell and are skipped on Windows');

describe.runIf(posix)('findVlc and openInVlc (real files and processes)', () => {
  const lookupWithPath = (PATH: string) => ({ platform: 'linux' as const, env: { PATH }, homedir: tempDir() });

  it('finds an executable vlc on PATH', async () => {
    const { bin } = fakeVlc();
    const found = await findVlc(lookupWithPath(bin));
    expect(found).toBe(path.join(bin, 'vlc'));
  });

  it('skips a vlc file that is not executable', async () => {
    const bin = tempDir();
    writeFileSync(path.join(bin, 'vlc'), '');
    const found = await findVlc({ platform: 'darwin', env: { PATH: bin }, homedir: tempDir() });
    expect(found === null || !found.startsWith(bin)).toBe(true);
  });

  it('starts VLC with the stream URL after an end-of-options marker', async () => {
    const { bin, argsFile } = fakeVlc();
    await openInVlc('http://127.0.0.1:5000/stream/news', lookupWithPath(bin));
    expect(await waitForFile(argsFile)).toBe('--\nhttp://127.0.0.1:5000/stream/news\n');
  });

  it('says clearly when VLC is not installed', async () => {
    const nowhere = { platform: 'darwin' as const, env: { PATH: tempDir() }, homedir: tempDir() };
    const failure = await openInVlc('http://127.0.0.1:5000/stream/news', nowhere).catch((error: unknown) => error);
    if (existsSync('/Applications/VLC.app/Contents/MacOS/VLC')) return; // a Mac with VLC installed
    expect(failure).toBeInstanceOf(RelayError);
    expect(failure).toMatchObject({ code: 'not-found', message: VLC_MISSING_MESSAGE });
  });

  it('refuses anything but http(s)', async () => {
    const { bin, argsFile } = fakeVlc();
    await expect(openInVlc('file:///etc/passwd', lookupWithPath(bin))).rejects.toMatchObject({ code: 'invalid-url' });
    await expect(openInVlc('--play-and-exit', lookupWithPath(bin))).rejects.toMatchObject({ code: 'invalid-url' });
    expect(existsSync(argsFile)).toBe(false);
  });
});
