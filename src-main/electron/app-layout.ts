import path from 'node:path';

/** Where the shell finds its files, in development (the repo) and packaged (app.asar + resources). */
export interface AppLayout {
  preload: string;
  rendererDir: string;
  windowIcon: string;
  trayIconDir: string;
}

/**
 * Paths of the built preload and renderer (inside the app: electron-builder `files`) and of the icons
 * (loose files beside it when packaged: electron-builder `extraResources`, which the OS tray can read).
 */
export function appLayout(options: { appPath: string; isPackaged: boolean; resourcesPath: string }): AppLayout {
  const assets = options.isPackaged ? options.resourcesPath : path.join(options.appPath, 'assets');
  return {
    preload: path.join(options.appPath, 'dist', 'preload', 'preload.cjs'),
    rendererDir: path.join(options.appPath, 'dist', 'renderer'),
    windowIcon: path.join(assets, 'icon.png'),
    trayIconDir: path.join(assets, 'tray'),
  };
}
