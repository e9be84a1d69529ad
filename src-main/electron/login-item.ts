import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App, Settings as LoginItemSettings } from 'electron';
import { HIDDEN_FLAG } from './window-policy.js';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** Electron's app.setLoginItemSettings (macOS and Windows). */
  setLoginItemSettings(settings: LoginItemSettings): void;
  /** How to start this app: the executable (the AppImage when there is one), plus the app folder in development. */
  command: readonly string[];
  /** XDG autostart folder (`$XDG_CONFIG_HOME/autostart`), Linux only. */
  autostartDir: string;
}

export const AUTOSTART_FILE = 'hls-relay.desktop';

/** The executable and arguments that start this app again. */
export function launchCommand(options: {
  isPackaged: boolean;
  execPath: string;
  appPath: string;
  appImage: string | undefined;
}): string[] {
  if (options.isPackaged) return [options.appImage ?? options.execPath];
  return [options.execPath, options.appPath];
}

/** The login-item deps of this process. */
export function loginItemDepsFor(
  app: Pick<App, 'isPackaged' | 'getAppPath' | 'setLoginItemSettings'>,
  env: NodeJS.ProcessEnv,
  homedir: string,
): LoginItemDeps {
  return {
    platform: process.platform,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    command: launchCommand({ isPackaged: app.isPackaged, execPath: process.execPath, appPath: app.getAppPath(), appImage: env.APPIMAGE }),
    autostartDir: autostartDirectory(env, homedir),
  };
}

/** `$XDG_CONFIG_HOME/autostart`, defaulting to `~/.config/autostart` as the XDG spec says. */
export function autostartDirectory(env: NodeJS.ProcessEnv, homedir: string): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir, '.config');
  return path.join(configHome, 'autostart');
}

/**
 * Quotes one argument of a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"): `%`
 * doubled (field codes), reserved characters inside double quotes with `"`, backtick, `$` and `\` escaped.
 */
export function quoteExecArgument(argument: string): string {
  const literal = argument.replace(/%/g, '%%');
  if (literal !== '' && !/[\s"'\\`$<>~|&;*?#()]/.test(literal)) return literal;
  return `"${literal.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The XDG autostart entry that starts the relay hidden in the tray at login. */
export function autostartDesktopEntry(command: readonly string[]): string {
  // The string-value escape (`\\` for a backslash) applies on top of the Exec quoting.
  const exec = [...command, HIDDEN_FLAG].map(quoteExecArgument).join(' ').replace(/\\/g, '\\\\');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=HLS Relay',
    'Comment=Relay IPTV channels to VLC',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Makes the OS start the app (hidden) at login, or stops it: a login item on macOS and Windows, an XDG
 * autostart entry on Linux, where Electron has no login-item API. Throws when the entry cannot be written.
 */
export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (deps.platform === 'darwin') {
    deps.setLoginItemSettings({ openAtLogin: enabled });
  } else if (deps.platform === 'win32') {
    const [executable, ...rest] = deps.command;
    deps.setLoginItemSettings({ openAtLogin: enabled, path: executable, args: [...rest, HIDDEN_FLAG] });
  } else {
    const file = path.join(deps.autostartDir, AUTOSTART_FILE);
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(deps.autostartDir, { recursive: true });
    writeFileSync(`${file}.tmp`, autostartDesktopEntry(deps.command));
    renameSync(`${file}.tmp`, file);
  }
}
