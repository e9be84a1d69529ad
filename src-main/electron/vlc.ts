import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { RelayError } from '../core/errors.js';

export interface VlcLookup {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homedir: string;
}

/** Where VLC usually lives, most likely first: installer locations, then every folder on PATH. */
export function vlcCandidates({ platform, env, homedir }: VlcLookup): string[] {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const onPath = (name: string) =>
    (env.PATH ?? env.Path ?? '')
      .split(platform === 'win32' ? ';' : ':')
      .filter((folder) => folder !== '')
      .map((folder) => paths.join(folder, name));

  if (platform === 'win32') {
    const programFolders = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432, env.LOCALAPPDATA && paths.join(env.LOCALAPPDATA, 'Programs')];
    return unique([
      ...programFolders.filter((folder): folder is string => Boolean(folder)).map((folder) => paths.join(folder, 'VideoLAN', 'VLC', 'vlc.exe')),
      ...onPath('vlc.exe'),
    ]);
  }
  if (platform === 'darwin') {
    return unique([
      '/Applications/VLC.app/Contents/MacOS/VLC',
      paths.join(homedir, 'Applications', 'VLC.app', 'Contents', 'MacOS', 'VLC'),
      ...onPath('vlc'),
    ]);
  }
  return unique([
    ...onPath('vlc'),
    '/usr/bin/vlc',
    '/usr/local/bin/vlc',
    '/snap/bin/vlc',
    '/var/lib/flatpak/exports/bin/org.videolan.VLC',
    paths.join(homedir, '.local', 'share', 'flatpak', 'exports', 'bin', 'org.videolan.VLC'),
  ]);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The first candidate that exists and is executable, or null when VLC is not installed. */
export async function findVlc(lookup: VlcLookup): Promise<string | null> {
  const mode = lookup.platform === 'win32' ? constants.F_OK : constants.X_OK;
  for (const candidate of vlcCandidates(lookup)) {
    try {
      await access(candidate, mode);
      return candidate;
    } catch {
      // not here: try the next place
    }
  }
  return null;
}

export const VLC_MISSING_MESSAGE =
  'VLC is not installed (or not where it usually is). Install it from https://www.videolan.org, or copy the stream URL into your player.';

/**
 * Starts VLC on `url`, detached so it outlives the relay's window. Rejects with 'not-found' when VLC is
 * not installed and with 'invalid-url' for anything but http(s) (VLC would also open local files).
 */
export async function openInVlc(url: string, lookup: VlcLookup): Promise<void> {
  if (!/^https?:\/\//i.test(url)) throw new RelayError('invalid-url', 'Only http(s) stream URLs can be opened in VLC');
  const vlc = await findVlc(lookup);
  if (vlc === null) throw new RelayError('not-found', VLC_MISSING_MESSAGE);
  await new Promise<void>((resolve, reject) => {
    // `--` ends VLC's options: the URL is never read as one.
    const child = spawn(vlc, ['--', url], { detached: true, stdio: 'ignore' });
    child.once('error', (error) => reject(new RelayError('internal', `VLC could not be started: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
