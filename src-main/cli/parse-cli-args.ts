import { parseArgs } from 'node:util';

/** What the command line asks for; flags mirror the reference program's, plus the lineup ones. */
export interface CliOptions {
  url?: string;
  channel: string;
  port?: number;
  host?: string;
  userAgent?: string;
  token?: string;
  debug: boolean;
  config?: string;
  playlist?: string;
  demo: boolean;
}

export type CliCommand = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

export const USAGE = `Usage: hls-relay [options]

Relay live HLS channels on this machine: one stable URL per channel for VLC or any HLS player,
while the upstream source behind it can change.

  -u, --url URL            upstream HLS playlist of the channel (master or media)
  -c, --channel ID         channel id in /stream/<ID> (default: "default")
  -p, --port PORT          port to listen on (default: 5000)
  -H, --host HOST          interface to listen on (default: 127.0.0.1; 0.0.0.0 opens it to the LAN)
  -ua, --user-agent UA     User-Agent sent upstream (default: VLC/3.0.20 LibVLC/3.0.20)
      --token TOKEN        control API token (or HLS_RELAY_TOKEN); a random one is printed if absent
      --config FILE        JSON lineup {"channels": [...]} for many channels; edits are saved back to it
      --playlist FILE|URL  import an M3U/M3U8 channel list at start
      --demo               relay built-in test-pattern sources (no IPTV subscription needed)
      --debug              log every request and decision
  -h, --help               this help
      --version            print the version

Routes: /stream/<id> (HLS playlist), /stream/<id>.ts (continuous MPEG-TS), /channels.m3u (all channels),
/ui/ (web UI), /api/... and POST /change_stream/<id> {"url": "..."} (control, Bearer token).`;

/** Parses argv (without node and script); throws an Error whose message is meant for the user. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliCommand {
  // argparse-style `-ua` is not a valid short option for node's parser.
  const args = argv.map((arg) => (arg === '-ua' ? '--user-agent' : arg.startsWith('-ua=') ? `--user-agent=${arg.slice(4)}` : arg));
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string', short: 'u' },
      channel: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      'user-agent': { type: 'string' },
      token: { type: 'string' },
      debug: { type: 'boolean', default: false },
      config: { type: 'string' },
      playlist: { type: 'string' },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 0) throw new Error(`Unexpected argument: ${positionals[0]}`);
  const options: CliOptions = { channel: values.channel ?? 'default', debug: values.debug ?? false, demo: values.demo ?? false };
  if (values.url !== undefined) options.url = values.url;
  if (values.port !== undefined) options.port = parsePort(values.port);
  if (values.host !== undefined) options.host = values.host;
  if (values['user-agent'] !== undefined) options.userAgent = values['user-agent'];
  const token = values.token ?? env.HLS_RELAY_TOKEN;
  if (token !== undefined && token !== '') {
    if (token.length < 8) throw new Error('--token must be at least 8 characters');
    options.token = token;
  }
  if (values.config !== undefined) options.config = values.config;
  if (values.playlist !== undefined) options.playlist = values.playlist;
  if (!options.url && !options.config && !options.playlist && !options.demo) {
    throw new Error('Say what to relay: --url URL [--channel ID], --config FILE, --playlist FILE_OR_URL or --demo');
  }
  return { kind: 'run', options };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) throw new Error(`--port must be a number from 1 to 65535, not "${text}"`);
  return port;
}
