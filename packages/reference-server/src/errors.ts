import type { ErrorCode, ProtocolError } from '@synapse-calling/protocol';

/**
 * A refusal the client should see as `{ ok: false, error: { code, message } }` (socket) or
 * `{ error: { code, message } }` with a matching HTTP status (REST). Anything else thrown by a
 * handler becomes `internal` and is logged.
 */
export class ProtocolFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolFailure';
  }

  toJSON(): ProtocolError {
    return { code: this.code, message: this.message };
  }
}

/** Short factories so call sites read like the protocol table. */
export const fail = {
  notFound: (what = 'call') => new ProtocolFailure('not-found', `${what} not found`),
  invalidState: (message: string) => new ProtocolFailure('invalid-state', message),
  invalidPayload: (message: string) => new ProtocolFailure('invalid-payload', message),
  forbidden: (message: string) => new ProtocolFailure('forbidden', message),
  busy: (message = 'the callee is in another call') => new ProtocolFailure('busy', message),
  offline: (message = 'the callee is not connected') => new ProtocolFailure('offline', message),
  internal: (message = 'internal error') => new ProtocolFailure('internal', message),
  recordingNotAllowed: (message = 'you may not record this call') =>
    new ProtocolFailure('recording-not-allowed', message),
  tooLarge: (message: string) => new ProtocolFailure('too-large', message),
  lineClosed: (message = 'the line is closed') => new ProtocolFailure('line-closed', message),
};

/** HTTP status for each code, used by the REST routes. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  'token-expired': 401,
  forbidden: 403,
  'not-found': 404,
  'invalid-state': 409,
  'invalid-payload': 400,
  'rate-limited': 429,
  busy: 409,
  offline: 409,
  internal: 500,
  'recording-not-allowed': 403,
  'too-large': 413,
  'too-many-connections': 429,
  'line-closed': 409,
};
