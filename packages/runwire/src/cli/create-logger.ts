import { pino } from 'pino';
import type { LogLevel } from '../config/server-options.js';
import type { Logger } from '../logger.js';

/** Paths pino blanks out, so a token that reaches a log object by mistake is never written. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["sec-websocket-protocol"]',
  '*.headers["sec-websocket-protocol"]',
  'secret',
  '*.secret',
  'jwtSecret',
  '*.jwtSecret',
  'apiKey',
  '*.apiKey',
  'llmApiKey',
  '*.llmApiKey',
];

/** The server's logger: pretty on a terminal, JSON lines otherwise. */
export function createLogger(level: LogLevel, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: { service: 'runwire' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  });
}
