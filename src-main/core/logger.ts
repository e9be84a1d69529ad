/** Where the engine writes what it does; the CLI prints it, the desktop shell writes it to a file. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A logger that writes one line per entry to `write`, dropping entries below `level`. */
export function createLineLogger(level: LogLevel, write: (line: string) => void): Logger {
  const threshold = LEVELS.indexOf(level);
  const log = (entryLevel: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(entryLevel) < threshold) return;
    const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${entryLevel.toUpperCase()} ${message}${suffix}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
