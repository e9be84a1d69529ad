#!/usr/bin/env node
// `npm start`: builds the main process and the preload, serves the renderer from the Vite dev server and
// runs Electron on it. Without the Electron binary (it is downloaded separately) it says what to do.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Same name as DEV_SERVER_ENV in src-main/electron/window-policy.ts.
const DEV_SERVER_ENV = 'HLS_RELAY_DEV_SERVER_URL';

function electronBinary() {
  try {
    // The electron package exports the path of the binary its installer downloaded, and throws without one.
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (electron === null) {
  console.error(
    [
      'npm start needs the Electron binary, which is not installed (it was skipped or could not be downloaded).',
      'Download it (needs network access to GitHub):  node node_modules/electron/install.js',
      'Meanwhile, `npm run serve` runs the same relay and web UI headless: open the printed URL in a browser.',
    ].join('\n'),
  );
  process.exit(1);
}

for (const [command, args] of [
  [process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json']],
  [process.execPath, [`${root}scripts/build-preload.mjs`]],
]) {
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

const { createServer } = await import('vite');
const vite = await createServer({ configFile: `${root}src-renderer/vite.config.ts`, server: { host: '127.0.0.1' } });
await vite.listen();
const url = vite.resolvedUrls?.local[0];
if (!url) {
  console.error('The Vite dev server did not report its URL.');
  await vite.close();
  process.exit(1);
}
console.log(`renderer dev server: ${url}`);

const env = { ...process.env, [DEV_SERVER_ENV]: url };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', async (code) => {
  await vite.close();
  process.exit(code ?? 0);
});
