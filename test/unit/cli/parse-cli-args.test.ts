import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE, type CliOptions } from '../../../src-main/cli/parse-cli-args.js';

const URL_A = 'http://provider.example/live/ch1.m3u8?token=abc';

function options(argv: string[], env: Record<string, string | undefined> = {}): CliOptions {
  const command = parseCliArgs(argv, env);
  if (command.kind !== 'run') throw new Error(`expected run, got ${command.kind}`);
  return command.options;
}

function errorOf(argv: string[], env: Record<string, string | undefined> = {}): string {
  try {
    parseCliArgs(argv, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseCliArgs: the reference program flags', () => {
  it('takes the long forms', () => {
    expect(options(['--url', URL_A, '--channel', 'news', '--port', '8080', '--host', '0.0.0.0', '--user-agent', 'MyUA/1.0', '--debug'])).toEqual({
      url: URL_A,
      channel: 'news',
      port: 8080,
      host: '0.0.0.0',
      userAgent: 'MyUA/1.0',
      debug: true,
      demo: false,
    });
  });

  it('takes the short forms, including argparse-style -ua', () => {
    expect(options(['-u', URL_A, '-c', 'news', '-p', '8080', '-H', '127.0.0.1', '-ua', 'VLC/3.0.20 LibVLC/3.0.20'])).toEqual({
      url: URL_A,
      channel: 'news',
      port: 8080,
      host: '127.0.0.1',
      userAgent: 'VLC/3.0.20 LibVLC/3.0.20',
      debug: false,
      demo: false,
    });
  });

  it.each<[string[], Partial<CliOptions>]>([
    [['-ua=Kodi/20', '-u', URL_A], { userAgent: 'Kodi/20' }],
    [['--user-agent=Kodi/20', '-u', URL_A], { userAgent: 'Kodi/20' }],
    [[`--url=${URL_A}`, '--port=9000'], { url: URL_A, port: 9000 }],
    [['-u', URL_A, '-p9000'], { port: 9000 }],
    [['-u', URL_A, '-ua', '-'], { userAgent: '-' }],
  ])('%j', (argv, expected) => {
    expect(options(argv)).toMatchObject(expected);
  });

  it('defaults the channel to "default" and leaves port, host and user agent to the settings', () => {
    const parsed = options(['-u', URL_A]);
    expect(parsed).toEqual({ url: URL_A, channel: 'default', debug: false, demo: false });
  });
});

describe('parseCliArgs: lineup and demo', () => {
  it.each<[string[], Partial<CliOptions>]>([
    [['--config', '/home/me/lineup.json'], { config: '/home/me/lineup.json' }],
    [['--playlist', 'http://provider.example/get.php?type=m3u'], { playlist: 'http://provider.example/get.php?type=m3u' }],
    [['--demo'], { demo: true }],
    [['--demo', '--config', 'x.json', '-u', URL_A], { demo: true, config: 'x.json', url: URL_A }],
  ])('%j', (argv, expected) => {
    expect(options(argv)).toMatchObject(expected);
  });

  it('asks what to relay when nothing is given', () => {
    expect(errorOf([])).toMatch(/Say what to relay: --url URL/);
    expect(errorOf(['--debug', '-p', '5000'])).toMatch(/Say what to relay/);
  });
});

describe('parseCliArgs: token', () => {
  it.each<[string[], Record<string, string>, string | undefined]>([
    [['--demo', '--token', 'abcdefgh'], {}, 'abcdefgh'],
    [['--demo'], { HLS_RELAY_TOKEN: 'from-env-123' }, 'from-env-123'],
    [['--demo', '--token', 'flag-wins-1'], { HLS_RELAY_TOKEN: 'from-env-123' }, 'flag-wins-1'],
    [['--demo'], { HLS_RELAY_TOKEN: '' }, undefined],
    [['--demo'], {}, undefined],
  ])('%j with %j → %s', (argv, env, token) => {
    expect(options(argv, env).token).toBe(token);
  });

  it.each<[string[], Record<string, string>]>([
    [['--demo', '--token', 'short'], {}],
    [['--demo'], { HLS_RELAY_TOKEN: '1234567' }],
  ])('refuses a token under 8 characters: %j %j', (argv, env) => {
    expect(errorOf(argv, env)).toBe('--token must be at least 8 characters');
  });
});

describe('parseCliArgs: help, version and errors', () => {
  it.each([[['-h']], [['--help']], [['-u', URL_A, '-h']], [['--help', '--port', 'nope']], [['--help', 'extra']]])('%j → help, whatever else is wrong', (argv) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'help' });
  });

  it('answers version', () => {
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([['0'], ['65536'], ['80.5'], ['-1'], ['abc'], ['1e3'], [''], [' 80'], ['0x50']])('refuses port %j', (port) => {
    expect(errorOf(['-u', URL_A, `--port=${port}`])).toMatch(/^--port must be a number from 1 to 65535/);
  });

  it.each([['1'], ['65535']])('accepts port %s', (port) => {
    expect(options(['-u', URL_A, '-p', port]).port).toBe(Number(port));
  });

  it.each([
    [['-u', URL_A, '--nope'], /Unknown option '--nope'/],
    [['-u', URL_A, 'extra'], /^Unexpected argument: extra$/],
    [['-u'], /argument missing/],
    [['-u', URL_A, '--port'], /argument missing/],
    [['--debug=yes', '--demo'], /does not take an argument/],
  ])('refuses %j', (argv, message) => {
    expect(errorOf(argv)).toMatch(message);
  });

  it('documents every flag it accepts', () => {
    for (const flag of ['-u, --url', '-c, --channel', '-p, --port', '-H, --host', '-ua, --user-agent', '--token', 'HLS_RELAY_TOKEN', '--config', '--playlist', '--demo', '--debug', '-h, --help', '--version']) {
      expect(USAGE).toContain(flag);
    }
  });
});
