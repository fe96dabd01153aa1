import { isErrorCode, type ErrorCode } from '@synapse-calling/protocol';

/** Codes the client adds to the protocol's own error codes. */
export const CLIENT_ERROR_CODES = [
  'cancelled',
  'timeout',
  'not-connected',
  'already-in-call',
  'media-permission-denied',
  'media-device-not-found',
  'media-failed',
  'origin-not-allowed',
  'token-provider-failed',
  'push-unsupported',
  'notifications-denied',
  'push-failed',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Every code a {@link SynapseError} can carry: the protocol's `ErrorCode`s plus the client's. */
export type SynapseErrorCode = ErrorCode | ClientErrorCode;

/**
 * Why getting a token failed (`SynapseError.tokenFailure` of a `token-provider-failed` error):
 * the token endpoint answered with an HTTP error `status`, could not be reached (`network`),
 * answered something that is neither JSON `{ "token": "…" }` nor a bare JWT (`not-a-token`), or
 * the page's own `tokenProvider` threw (`provider`; its error is the `cause`).
 */
export type TokenFailure =
  | { kind: 'http'; status: number }
  | { kind: 'network' }
  | { kind: 'not-a-token' }
  | { kind: 'provider' };

/**
 * The one error type the SDK throws, rejects with and emits. Switch on `code` (a closed union);
 * `cause` holds the underlying error (a DOMException from getUserMedia, a Socket.IO error…).
 */
export class SynapseError extends Error {
  override readonly name = 'SynapseError';
  readonly code: SynapseErrorCode;
  override readonly cause: unknown;
  /** Set on `token-provider-failed`: what went wrong with the token endpoint or provider. */
  readonly tokenFailure: TokenFailure | undefined;

  constructor(
    code: SynapseErrorCode,
    message?: string,
    options: { cause?: unknown; tokenFailure?: TokenFailure } = {},
  ) {
    super(message ?? code, { cause: options.cause });
    this.code = code;
    this.cause = options.cause;
    this.tokenFailure = options.tokenFailure;
  }
}

export function isSynapseError(value: unknown): value is SynapseError {
  return value instanceof SynapseError;
}

/** Wraps anything thrown into a SynapseError, keeping a protocol code when it carries one. */
export function toSynapseError(
  err: unknown,
  fallback: SynapseErrorCode = 'internal',
): SynapseError {
  if (err instanceof SynapseError) return err;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  return new SynapseError(isErrorCode(code) ? code : fallback, text, { cause: err });
}

/** Short factories for the errors call sites raise most. */
export const CallError = {
  busy: (message = 'The callee is in another call') => new SynapseError('busy', message),
  alreadyInCall: (message = 'This client already has a call in progress') =>
    new SynapseError('already-in-call', message),
  invalidState: (message: string) => new SynapseError('invalid-state', message),
  notConnected: (message = 'The client is not connected') =>
    new SynapseError('not-connected', message),
  cancelled: (message = 'Cancelled') => new SynapseError('cancelled', message),
  originNotAllowed: (origin: string) =>
    new SynapseError(
      'origin-not-allowed',
      `The server does not allow this page's origin (${origin}); add it to its allowedOrigins`,
    ),
  tokenProviderFailed: (failure: TokenFailure, message: string, cause?: unknown) =>
    new SynapseError('token-provider-failed', message, { cause, tokenFailure: failure }),
} as const;

/** Maps a getUserMedia / setSinkId failure to a typed media error. */
export function mediaError(err: unknown): SynapseError {
  if (err instanceof SynapseError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new SynapseError('media-permission-denied', message, { cause: err });
  }
  if (
    name === 'NotFoundError' ||
    name === 'OverconstrainedError' ||
    name === 'DevicesNotFoundError'
  ) {
    return new SynapseError('media-device-not-found', message, { cause: err });
  }
  return new SynapseError('media-failed', message, { cause: err });
}
