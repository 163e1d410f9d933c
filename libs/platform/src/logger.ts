/** The one pino logger factory, used by every broker and by the gateway. */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyDestination, wantsPretty } from './log-format.js';
import { traceLogFields } from './trace.js';

/** Never written to a log, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'passwordHash',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.passwordHash',
  '*.*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'params.password',
  'params.token',
  'params.accessManager.password',
  'params.person.password',
];

export interface CreateLoggerOptions extends LoggerOptions {
  service: string;
  level?: string;
  /** JSON lines, or readable ones (`auto`: readable when stdout is a terminal). Default `auto`. */
  format?: 'auto' | 'json' | 'pretty';
  /**
   * Every line written while serving a traced request gets its `traceId` (trace.ts). Off where the
   * lines carry it already (the gateway's request loggers are bound to it).
   */
  traced?: boolean;
}

/** A pino logger for `service`, writing JSON lines to stdout unless given another destination or format. */
export function createLogger(options: CreateLoggerOptions, destination?: DestinationStream): Logger {
  const { service, level, format, traced, ...rest } = options;
  const loggerOptions: LoggerOptions = {
    level: level ?? 'info',
    base: { service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(traced ? { mixin: traceLogFields } : {}),
    ...rest,
  };
  const out = destination ?? (wantsPretty(format) ? prettyDestination() : undefined);
  return out ? pino(loggerOptions, out) : pino(loggerOptions);
}

export type { Logger };

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A child logger made only when something is logged through it at an enabled level. The gateway
 * gives one to every request; building a pino child runs the redaction over its bindings, which
 * was a tenth of what a request allocated although most requests log nothing at the configured
 * level. Lines written through it are those of `parent.child(bindings)`.
 */
export class DeferredChildLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Record<string, unknown>,
  ) {}

  private real(): Logger {
    this.#child ??= this.parent.child(this.childBindings);
    return this.#child;
  }

  private write(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Record<string, unknown> {
    return this.real().bindings();
  }

  child(bindings: Record<string, unknown>): Logger {
    return this.real().child(bindings);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
}
