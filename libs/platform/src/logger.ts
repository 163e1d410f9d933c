/** The one pino logger factory, used by every broker and by the gateway. */
import { pino, type Logger, type LoggerOptions } from 'pino';

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

export function createLogger(options: { service: string; level?: string } & LoggerOptions): Logger {
  const { service, level, ...rest } = options;
  return pino({
    level: level ?? 'info',
    base: { service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...rest,
  });
}

export type { Logger };
