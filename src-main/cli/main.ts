import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createLineLogger } from '../core/logger.js';
import { createRelay } from '../core/relay/create-relay.js';
import { createRelayHandler } from '../core/server/create-relay-handler.js';
import { listen } from '../core/server/listen.js';
import { DEFAULT_SETTINGS } from '../shared/lineup-types.js';
import { buildStartLineup } from './build-start-lineup.js';
import { createConfigSaver, readConfigFile } from './config-file.js';
import { startDemo } from './demo.js';
import { USAGE, parseCliArgs } from './parse-cli-args.js';
import { printBanner } from './print-banner.js';

const packageJson = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

async function main(): Promise<number> {
  let command;
  try {
    command = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`hls-relay: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') return console.log(USAGE), 0;
  if (command.kind === 'version') return console.log(packageJson.version), 0;
  const options = command.options;
  const logger = createLineLogger(options.debug ? 'debug' : 'info', (line) => console.error(line));

  const demo = options.demo ? await startDemo() : null;
  const saved = options.config ? await readConfigFile(options.config) : { channels: [], providers: [] };
  const lineup = buildStartLineup(saved, options, demo?.channel);
  const host = options.host ?? '127.0.0.1';
  const settings = {
    ...DEFAULT_SETTINGS,
    port: options.port ?? DEFAULT_SETTINGS.port,
    lan: host !== '127.0.0.1' && host !== 'localhost' && host !== '::1',
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  };
  const relay = createRelay({ lineup, settings, logger, version: packageJson.version });
  if (options.config) {
    const save = createConfigSaver(options.config, (error) => logger.error(`Could not save ${options.config}: ${error.message}`));
    relay.onLineupChange(save);
  }
  if (options.playlist) {
    const source = /^https?:\/\//i.test(options.playlist) ? { url: options.playlist } : { text: await readFile(options.playlist, 'utf8') };
    const report = await relay.importM3u({ ...source, mode: 'merge' });
    logger.info(`Imported ${report.entries} entries: ${report.channelsAdded} new channels, ${report.sourcesAdded} sources; ${report.skipped.length} lines skipped`);
    for (const line of report.skipped.slice(0, 20)) logger.warn(`${options.playlist}:${line.line}: ${line.reason}`);
  }

  const token = options.token ?? randomBytes(18).toString('base64url');
  const uiDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const handler = createRelayHandler(relay, {
    token,
    uiDir,
    logger,
    ...(options.debug ? { onRequest: (entry: { method: string; path: string; status: number }) => logger.debug(`${entry.method} ${entry.path} ${entry.status}`) } : {}),
  });
  const server = await listen(handler, { host, port: settings.port });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${shownHost}:${server.port}`;
  relay.setServerInfo({ baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version: packageJson.version });
  printBanner({ baseUrl, token, tokenGenerated: !options.token, channels: relay.lineup().channels, demo: Boolean(demo), lan: settings.lan });

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('Stopping…');
  await relay.destroy();
  await server.close();
  await demo?.origin.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`hls-relay: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  },
);
