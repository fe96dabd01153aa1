import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear, so a token can never reach the logs. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'auth.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level = process.env.SYNAPSE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'synapse', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
