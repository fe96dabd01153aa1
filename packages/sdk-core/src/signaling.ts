import { io, type Socket } from 'socket.io-client';
import { TypedEmitter } from './emitter';
import { CallError, SynapseError, toSynapseError } from './errors';
import { tokenProviderError } from './token-fetch';
import {
  CALL_NAMESPACE,
  PROTOCOL_VERSION,
  isErrorCode,
  type Ack,
  type ClientEventName,
  type ClientEventPayload,
  type ClientEventResult,
  type ClientToServerEvents,
  type HandshakeAuth,
  type ServerEventName,
  type ServerToClientEvents,
} from '@synapse-calling/protocol';
import type { TokenSource } from './token';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One message on the wire, for debugging and tests. */
export interface ProtocolMessage {
  direction: 'out' | 'in';
  event: string;
  payload: unknown;
}

export interface ReconnectOptions {
  /** First delay before reconnecting. @default 500 */
  initialDelayMs?: number;
  /** Longest delay between attempts (exponential backoff up to this). @default 10000 */
  maxDelayMs?: number;
  /** Random spread of each delay, 0..1, so a server restart is not hit by every client at once. @default 0.5 */
  jitter?: number;
  /** Give up after this many attempts in a row. @default Infinity */
  maxAttempts?: number;
}

export interface SignalingOptions {
  url: string;
  path: string;
  tokens: TokenSource;
  ackTimeoutMs: number;
  reconnect: Required<ReconnectOptions>;
  /**
   * Asked after a handshake failed below Socket.IO (the browser does not say why): returns the
   * error that makes retrying pointless (`origin-not-allowed`), or null to keep retrying.
   */
  explainRefusal?: () => Promise<SynapseError | null>;
}

export interface SignalingEvents {
  /** The socket connected (first time or again); `reconnect` is true after a drop. */
  connected: (reconnect: boolean) => void;
  /** The socket dropped and will try again. */
  reconnecting: () => void;
  /** The socket stopped for good (fatal handshake error, retries exhausted, disconnect()). */
  closed: (err: SynapseError | null) => void;
  /** An attempt failed before the handshake (no token to send); another follows with backoff. */
  attemptFailed: (err: SynapseError) => void;
  /** Every event in or out. */
  message: (message: ProtocolMessage) => void;
}

/**
 * Owns the Socket.IO connection to the `/call` namespace: handshake auth with a fresh token per
 * attempt, reconnection with backoff and jitter, and request/acknowledgement with typed errors.
 * Knows nothing about presence or calls.
 */
export class SignalingManager extends TypedEmitter<SignalingEvents> {
  private socket: ClientSocket | null = null;
  private everConnected = false;
  /** The id of the current or last connection, which the next one replaces. */
  private lastSocketId: string | undefined;
  private retriedExpiredToken = false;
  /** Attempts in a row that Socket.IO does not retry by itself, so we do (with backoff). */
  private ownRetries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per handshake, so that a token arriving for an abandoned one is dropped. */
  private handshakes = 0;
  private explaining = false;
  private readonly serverListeners = new TypedEmitter<ServerToClientEvents>();

  constructor(private readonly options: SignalingOptions) {
    super();
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Starts connecting; progress is reported through events. Safe to call when already open. */
  open(): void {
    if (this.socket) {
      if (!this.socket.active) this.socket.connect();
      return;
    }
    const { url, path, reconnect } = this.options;
    const socket: ClientSocket = io(new URL(CALL_NAMESPACE, url).toString(), {
      path,
      transports: ['websocket'],
      autoConnect: false,
      forceNew: true,
      reconnection: true,
      reconnectionDelay: reconnect.initialDelayMs,
      reconnectionDelayMax: reconnect.maxDelayMs,
      randomizationFactor: reconnect.jitter,
      reconnectionAttempts: reconnect.maxAttempts,
      // The function form runs on every (re)connection attempt, so each handshake carries a
      // token that is fresh at that moment rather than the one the page started with.
      auth: (cb) => {
        const handshake = ++this.handshakes;
        const { tokens } = this.options;
        const force = this.everConnected || this.retriedExpiredToken;
        // After a network change the server may still think the old connection is alive.
        const handshakeAuth = (token: string): HandshakeAuth => ({
          token,
          protocol: PROTOCOL_VERSION,
          ...(this.lastSocketId ? { replaces: this.lastSocketId } : {}),
        });
        tokens.get(force && tokens.canRefresh).then(
          (token) => {
            if (handshake === this.handshakes) cb(handshakeAuth(token));
          },
          (err: unknown) => {
            if (handshake !== this.handshakes) return;
            // A token that is still valid beats none; the provider failure is reported anyway.
            const fallback = tokens.unexpired;
            if (fallback) cb(handshakeAuth(fallback));
            else this.abandonAttempt(tokenProviderError(err));
          },
        );
      },
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.lastSocketId = socket.id;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.retriedExpiredToken = false;
      this.ownRetries = 0;
      this.emit('connected', reconnect);
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.emit('reconnecting');
      if (reason === 'io server disconnect') {
        // Socket.IO does not retry after the server closed the namespace on purpose (a restart,
        // a kick after token expiry). We do, with our own backoff, and a fresh token.
        this.retryLater(0);
      }
    });
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: { code?: unknown; message?: unknown } }).data;
      const code = data?.code;
      if (!isErrorCode(code)) {
        // Transport-level: the manager retries by itself, unless the server refuses our origin.
        void this.explainRefusal();
        return;
      }
      if (code === 'token-expired' && this.options.tokens.canRefresh && !this.retriedExpiredToken) {
        this.retriedExpiredToken = true;
        socket.connect();
        return;
      }
      if (code === 'rate-limited') {
        this.retryLater(2);
        return;
      }
      const message = typeof data?.message === 'string' ? data.message : err.message;
      this.close(new SynapseError(code, message, { cause: err }));
    });
    socket.io.on('reconnect_attempt', () => {
      if (!this.everConnected) return;
      this.emit('reconnecting');
    });
    socket.io.on('reconnect_failed', () => {
      this.close(new SynapseError('not-connected', 'Gave up reconnecting'));
    });
    socket.onAny((event: string, payload: unknown) => {
      this.emit('message', { direction: 'in', event, payload });
      (this.serverListeners.emit as (e: string, p: unknown) => void)(event, payload);
    });
    socket.onAnyOutgoing((event: string, payload: unknown) =>
      this.emit('message', { direction: 'out', event, payload }),
    );
    socket.connect();
  }

  /** Closes the socket for good; reports `closed`. Safe to call twice. */
  close(err: SynapseError | null = null): void {
    clearTimeout(this.retryTimer);
    this.handshakes++;
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.everConnected = false;
    this.lastSocketId = undefined;
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.offAny();
    socket.offAnyOutgoing();
    socket.disconnect();
    this.emit('closed', err);
  }

  /** Listens to one server → client event. */
  onServer<E extends ServerEventName>(event: E, listener: ServerToClientEvents[E]): () => void {
    return this.serverListeners.on(event, listener);
  }

  /**
   * Emits `event` and waits for its acknowledgement. Rejects with `not-connected` when offline
   * (requests are not queued: a stale `accept-call` replayed minutes later would surprise),
   * `timeout` when no ack arrives in time, and the server's code for `{ ok: false }`.
   */
  async request<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
    timeoutMs = this.options.ackTimeoutMs,
  ): Promise<ClientEventResult<E>> {
    const socket = this.socket;
    if (!socket?.connected) throw CallError.notConnected(`Cannot send ${event}: not connected`);
    let ack: Ack<object>;
    try {
      // The protocol's typings describe the ack without the timeout's error-first argument.
      const timed = socket.timeout(timeoutMs) as unknown as {
        emitWithAck(e: string, p: unknown): Promise<Ack<object>>;
      };
      ack = await timed.emitWithAck(event, payload);
    } catch (err) {
      throw new SynapseError('timeout', `No acknowledgement for ${event} in ${timeoutMs} ms`, {
        cause: err,
      });
    }
    if (!ack || typeof ack !== 'object') {
      throw new SynapseError('internal', `Malformed acknowledgement for ${event}`);
    }
    if (!ack.ok) throw toSynapseError(ack.error, 'internal');
    const { ok: _ok, ...result } = ack;
    return result as ClientEventResult<E>;
  }

  /** Emits without waiting (best effort), for messages nobody waits on. */
  notify<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>): void {
    this.request(event, payload).catch(() => undefined);
  }

  /**
   * Connects again after the backoff of the next own retry (`skip` starts further along), or
   * gives up after `maxAttempts` of them, with `failure` when one is known.
   */
  private retryLater(skip: number, failure?: SynapseError): void {
    if (this.ownRetries >= this.options.reconnect.maxAttempts) {
      this.close(failure ?? new SynapseError('not-connected', 'Gave up reconnecting'));
      return;
    }
    const attempt = this.ownRetries++ + skip;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.socket?.connect(), this.backoff(attempt));
  }

  /**
   * No token to send: gives up this handshake before it is sent (the server would only answer
   * `unauthorized`, hiding the provider's failure), and tries again later with a fresh token.
   */
  private abandonAttempt(err: SynapseError): void {
    const socket = this.socket;
    if (!socket) return;
    // Not connected yet, so this just closes the transport and stops Socket.IO's own retries.
    socket.disconnect();
    this.emit('attemptFailed', err);
    this.retryLater(0, err);
  }

  private async explainRefusal(): Promise<void> {
    const explain = this.options.explainRefusal;
    if (!explain || this.explaining) return;
    this.explaining = true;
    try {
      const err = await explain();
      if (err) this.close(err);
    } finally {
      this.explaining = false;
    }
  }

  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs, jitter } = this.options.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
    return Math.max(0, base * (1 - jitter + Math.random() * 2 * jitter));
  }
}
