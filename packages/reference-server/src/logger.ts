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

/**
 * The server's default logger: pino JSON at `SYNAPSE_LOG_LEVEL` (default `info`), with tokens,
 * `Authorization` headers and cookies redacted.
 *
 * @example
 * // the same redaction at another level, handed to the server
 * const synapse = await createSynapseServer({ httpServer, auth, logger: createLogger('debug') });
 */
export function createLogger(level = process.env.SYNAPSE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'synapse', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
