/**
 * A stand-in for the `electron` module, just enough for the shell's composition root to run in Node:
 * it records what the shell asks of Electron (windows, tray, menus, IPC handlers, notifications) so a
 * test can drive the app like a user would and look at the results. The engine behind it is real.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Listener = (...args: never[]) => unknown;

class Emitter extends EventEmitter {
  /** Emits `name` with an event whose preventDefault is recorded; returns whether it was prevented. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export const state = {
  paths: {} as Record<string, string>,
  exitCode: null as number | null,
  errors: [] as { title: string; body: string }[],
  notifications: [] as { title: string; body: string }[],
  clipboard: '',
  loginItem: [] as unknown[],
  windowOpenHandler: null as null | ((details: { url: string }) => { action: string }),
  headersHandler: null as null | ((details: { responseHeaders?: Record<string, string[]> }, callback: (response: unknown) => void) => void),
  permissionHandler: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
  openedExternally: [] as string[],
};

export const app = Object.assign(new Emitter(), {
  isPackaged: false,
  dock: undefined,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getAppPath: () => process.cwd(),
  getPath: (name: string) => {
    const path = state.paths[name];
    if (!path) throw new Error(`no fake path for ${name}`);
    return path;
  },
  getVersion: () => '0.1.0',
  setAppUserModelId: () => {},
  setLoginItemSettings: (settings: unknown) => state.loginItem.push(settings),
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  quit() {
    app.emit('before-quit');
    for (const window of BrowserWindow.all) window.close();
    app.emitPreventable('will-quit');
  },
  exit: (code: number) => {
    state.exitCode = code;
  },
});

class WebContents extends Emitter {
  sent: { channel: string; payload: unknown }[] = [];
  mainFrame = { url: '', parent: null };
  setWindowOpenHandler(handler: typeof state.windowOpenHandler) {
    state.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload: structuredClone(payload) });
  }
  isDestroyed = () => false;
}

export class BrowserWindow extends Emitter {
  static all: BrowserWindow[] = [];
  webContents = new WebContents();
  visible = false;
  loaded: string | null = null;
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    BrowserWindow.all.push(this);
  }
  async loadFile(path: string) {
    this.loaded = path;
    this.webContents.mainFrame.url = pathToFileURL(path).href;
  }
  async loadURL(url: string) {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  close() {
    if (!this.emitPreventable('close')) BrowserWindow.all = BrowserWindow.all.filter((window) => window !== this);
  }
  isDestroyed = () => !BrowserWindow.all.includes(this);
}

export class Tray extends Emitter {
  static all: Tray[] = [];
  tooltip = '';
  image: string;
  menus: unknown[][] = [];
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image.path;
    Tray.all.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setImage(image: { path: string }) {
    this.image = image.path;
  }
  setContextMenu(menu: unknown[]) {
    this.menus.push(menu);
  }
  isDestroyed = () => this.destroyed;
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (template: unknown[]) => template };

export const nativeImage = {
  createFromPath(path: string) {
    if (!existsSync(path)) throw new Error(`missing icon ${path}`);
    return { path };
  },
};

export const clipboard = {
  writeText: (text: string) => {
    state.clipboard = text;
  },
};

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, handler: Listener) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler: typeof state.permissionHandler) => {
      state.permissionHandler = handler;
    },
    setPermissionCheckHandler: () => {},
    webRequest: {
      onHeadersReceived: (handler: typeof state.headersHandler) => {
        state.headersHandler = handler;
      },
    },
  },
};

export class Notification extends Emitter {
  static isSupported = () => true;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    state.notifications.push({ title: this.options.title, body: this.options.body });
  }
}

export const dialog = {
  showErrorBox: (title: string, body: string) => state.errors.push({ title, body }),
  showMessageBox: async () => ({ response: 0 }),
};

export const shell = {
  openExternal: async (url: string) => {
    state.openedExternally.push(url);
  },
  showItemInFolder: () => {},
};
