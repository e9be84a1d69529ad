import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `npm run build` leaves for the relay to serve at /ui/. */
export const UI_DIST = join(ROOT, 'dist', 'renderer');
/** Everything the window's bundle is made of. */
const UI_SOURCES = [join(ROOT, 'src-renderer'), join(ROOT, 'src-main', 'shared')];

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stats.mtimeMs);
}

/**
 * A build of the window that matches the sources: dist/renderer when it is newer than every source file,
 * else a fresh build in a temp folder (never over dist/renderer, which other tests may be reading).
 * `dispose()` removes a temp build.
 */
export async function currentUiBuild(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const index = join(UI_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...UI_SOURCES.map(newestChange))) {
    return { dir: UI_DIST, dispose: async () => undefined };
  }
  const outDir = await mkdtemp(join(tmpdir(), 'hls-relay-ui-'));
  await build({
    configFile: join(ROOT, 'src-renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return { dir: outDir, dispose: () => rm(outDir, { recursive: true, force: true }) };
}
