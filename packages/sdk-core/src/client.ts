import type { Call } from './call';
import { CallManager } from './calls';
import { TypedEmitter, forwardEvents } from './emitter';
import { CallError, SynapseError, toSynapseError } from './errors';
import { getMicrophone, mediaSupported, microphoneGranted } from './media/devices';
import { mediaSessionFactory } from './media/session-factory';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options';
import { PresenceManager } from './presence';
import { NotificationController, PushController, type PushHost } from './push/push';
import type {
  CallListResponse,
  CallMetadata,
  CallRecording,
  AgentLineStatus,
  LineStatus,
  TransferTargetsResponse,
  Presence,
} from '@synapse-calling/protocol';
import { RestClient } from './rest';
import { SignalingManager, type ProtocolMessage } from './signaling';
import { SnapshotStore } from './store';
import { TokenSource, userFromToken, type SynapseUser } from './token';
import { fetchToken } from './token-fetch';
import type { ClientSnapshot, ConnectionState, OwnStatus } from './types';

/** Events of {@link SynapseClient}; subscribe with `client.on(name, listener)`. */
export interface ClientEvents {
  /** The connection state changed. */
  connectionStateChanged: (state: ConnectionState) => void;
  /** Someone is calling this user (the Call is `ringing`). */
  incomingCall: (call: Call) => void;
  /** This client placed a call (it rings at the callee). */
  callStarted: (call: Call) => void;
  /** A call ended; see `call.endReason`. */
  callEnded: (call: Call) => void;
  /** A call in progress was resumed after a page reload or reconnect (no new ring). */
  callResumed: (call: Call) => void;
  /** Any call was added, removed or changed. */
  callsChanged: () => void;
  /** A call's recording changed; for an ended call, its file became ready (`recording.file`). */
  recordingChanged: (callId: string, recording: CallRecording) => void;
  /** A watched user's presence changed. */
  presenceChanged: (presence: Presence) => void;
  /** This user's own status changed (set explicitly or by auto-away). */
  statusChanged: (status: OwnStatus) => void;
  /** Something failed that no promise could report (a handshake refusal, a media failure…). */
  error: (err: SynapseError) => void;
  /** Every protocol message in or out; for debugging and tests. */
  protocolMessage: (message: ProtocolMessage) => void;
}

/**
 * The Synapse Calling client: one connection, presence, and calls with audio. Create it with
 * {@link createClient}; it does nothing until `connect()`, and importing it touches no browser
 * API, so it is safe in SSR.
 */
export class SynapseClient {
  readonly presence: PresenceManager;
  readonly calls: CallManager;
  /** Web Push: ring this browser when no page is open (`enable()` from a click). */
  readonly push: PushController;
  /** System notifications while a call rings in a hidden tab (custom UIs; opt-in). */
  readonly notifications: NotificationController;
  /**
   * Support lines (docs/lines.md): what a caller may know of a line before calling it; for the
   * line's member agents, who waits (`agentStatus`, `not-found` for anyone else) and their
   * "taking calls" switch (`setTakingCalls`); for agents, whom a call can be transferred to (the
   * lines' agents with presence, and the lines).
   *
   * @example
   * const { open, agentsAvailable } = await client.lines.status('support');
   * const { calls, takingCalls } = await client.lines.agentStatus('support');
   * await client.lines.setTakingCalls('support', !takingCalls);
   * const { agents, lines } = await client.lines.transferTargets();
   */
  readonly lines: {
    status(lineId: string): Promise<LineStatus>;
    agentStatus(lineId: string): Promise<AgentLineStatus>;
    setTakingCalls(lineId: string, takingCalls: boolean): Promise<void>;
    transferTargets(): Promise<TransferTargetsResponse>;
  };
  private readonly options: ResolvedOptions;
  private readonly events = new TypedEmitter<ClientEvents>();
  private readonly store: SnapshotStore<ClientSnapshot>;
  private readonly tokens: TokenSource;
  private readonly signaling: SignalingManager;
  private readonly rest: RestClient;
  private state: ConnectionState = 'disconnected';
  private lastError: SynapseError | null = null;
  private currentUser: SynapseUser | null;
  private pending: {
    promise: Promise<void>;
    resolve: () => void;
    reject: (err: SynapseError) => void;
  } | null = null;
  private syncing = 0;

  constructor(options: ClientOptions) {
    if (!options?.url) throw new SynapseError('invalid-payload', 'ClientOptions.url is required');
    const { token, tokenUrl } = options;
    if (!token && !options.tokenProvider && !tokenUrl) {
      throw new SynapseError(
        'unauthorized',
        'ClientOptions needs a token, tokenProvider or tokenUrl',
      );
    }
    this.options = resolveOptions(options, mediaSupported());
    this.currentUser = token ? userFromToken(token) : null;
    this.tokens = new TokenSource({
      token,
      tokenProvider:
        options.tokenProvider ??
        (tokenUrl ? () => fetchToken(tokenUrl, this.options.fetch) : undefined),
      refreshBeforeExpiryMs: this.options.refreshTokenBeforeExpiryMs,
      onRefreshed: (fresh) => this.setUser(userFromToken(fresh)),
      onError: (err) => this.events.emit('error', err),
    });
    this.rest = new RestClient({
      baseUrl: this.options.url,
      tokens: this.tokens,
      fetch: this.options.fetch,
    });
    this.lines = {
      status: (lineId) => this.rest.lineStatus(lineId),
      agentStatus: (lineId) => this.rest.agentLineStatus(lineId),
      setTakingCalls: (lineId, on) => this.rest.setTakingCalls(lineId, on),
      transferTargets: () => this.rest.transferTargets(),
    };
    this.signaling = new SignalingManager({
      url: this.options.url,
      path: this.options.path,
      tokens: this.tokens,
      ackTimeoutMs: this.options.ackTimeoutMs,
      reconnect: this.options.reconnect,
      explainRefusal: () => this.rest.originRefusal(),
    });
    this.presence = new PresenceManager(this.signaling, {
      idleTimeoutMs: this.options.idleTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
    });
    this.calls = new CallManager({
      signaling: this.signaling,
      rest: this.rest,
      selfId: () => this.currentUser?.id ?? '',
      mediaEnabled: this.options.media,
      acquireMicrophone: (deviceId) => getMicrophone(deviceId, this.options.audioConstraints),
      microphoneGranted,
      createSession: mediaSessionFactory({
        options: this.options,
        signaling: this.signaling,
        rest: this.rest,
      }),
      startRecorder: async (callId, session, onError) =>
        (await import('./recording/p2p-recorder')).startP2PRecorder({
          callId,
          session,
          rest: this.rest,
          onError,
        }),
    });
    const pushHost: PushHost = {
      rest: this.rest,
      serverUrl: this.options.url,
      user: () => this.currentUser,
      calls: this.calls,
      error: (err) => this.events.emit('error', toSynapseError(err)),
    };
    this.push = new PushController(pushHost);
    this.notifications = new NotificationController(pushHost);
    this.store = new SnapshotStore(() => this.buildSnapshot());
    this.wire();
  }

  /** The connection state; see the `connectionStateChanged` event. */
  get connectionState(): ConnectionState {
    return this.state;
  }

  /**
   * Why the client is not connected: the error that stopped it (`origin-not-allowed`,
   * `unauthorized`, `timeout`…) or that its retries keep meeting (`token-provider-failed`).
   * Null once connected, after `disconnect()`, and before anything failed.
   */
  get connectionError(): SynapseError | null {
    return this.lastError;
  }

  /** Who this client is, from the token's claims (null until a token is known). */
  get user(): SynapseUser | null {
    return this.currentUser;
  }

  /**
   * Connects and resolves once connected and synchronised (calls in progress resumed, presence
   * subscribed). Rejects with the server's code (`unauthorized`…), `origin-not-allowed`,
   * `timeout`, or `cancelled` when `disconnect()` is called or `signal` aborts meanwhile; with
   * these the client stops. Rejects with `token-provider-failed` when no token could be had; then
   * the client keeps retrying with backoff (state `connecting`, see `connectionError`). Calling
   * it again while connecting returns the same attempt.
   *
   * @example
   * try {
   *   await client.connect({ signal: AbortSignal.timeout(10_000) });
   * } catch (err) {
   *   if (isSynapseError(err) && err.code === 'unauthorized') showLogin();
   * }
   */
  connect(opts: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(CallError.cancelled('Connect aborted'));
    if (this.state === 'connected') return Promise.resolve();
    if (!this.pending) {
      let resolve!: () => void;
      let reject!: (err: SynapseError) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      const timer = setTimeout(() => {
        this.signaling.close();
        this.stopped(new SynapseError('timeout', 'Could not connect in time'));
      }, this.options.connectTimeoutMs);
      promise.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
      this.pending = { promise, resolve, reject };
      // While reconnecting, connect() just waits for the attempt already under way.
      if (this.state === 'disconnected') this.setState('connecting');
      this.signaling.open();
    }
    const promise = this.pending.promise;
    if (!signal) return promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        reject(CallError.cancelled('Connect aborted'));
        void this.disconnect();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * Closes the connection; safe to call any number of times. A pending `connect()` rejects with
   * `cancelled`. Calls are not hung up: this client releases their media and reports them ended
   * (`disconnected`), while the server keeps them for its grace window so that a new client
   * (a reloaded page) can resume them. Call `call.end()` first to hang up.
   *
   * @example
   * // Signing out: hang up first, or the other side hears silence until the grace window ends.
   * await client.calls.active?.end();
   * await client.disconnect();
   */
  async disconnect(): Promise<void> {
    this.signaling.close();
    this.stopped(CallError.cancelled('disconnect() was called'), null);
  }

  /**
   * Calls `userId`; resolves with the ringing Call. Rejects with `already-in-call`, `busy`,
   * `offline`, `forbidden`, a media error…
   *
   * @example
   * const call = await client.call('ann', { metadata: { crmRecord: 'lead-42' } });
   * call.on('stateChanged', (state) => console.log(state)); // ringing → connecting → active
   */
  call(userId: string, opts: { metadata?: CallMetadata | undefined } = {}): Promise<Call> {
    return this.calls.place(userId, opts);
  }

  /**
   * Calls the support line `lineId`: the server rings an available agent, or the call waits in
   * line (`call.queue`, the `queueChanged` event) while `call.peer` is the line's stand-in.
   * Resolves with the ringing Call; rejects like `call()`, and with `line-closed` outside the
   * line's business hours (the line's closed message is the error's message).
   *
   * @example
   * const call = await client.callLine('support');
   * call.on('queueChanged', (queue) => console.log(queue?.position));
   */
  callLine(lineId: string, opts: { metadata?: CallMetadata | undefined } = {}): Promise<Call> {
    return this.calls.place({ line: lineId }, opts);
  }

  /**
   * This user's calls, newest first (REST `GET /api/calls`, Bearer token).
   *
   * @example
   * const first = await client.fetchCallHistory({ limit: 20 });
   * if (first.nextCursor) await client.fetchCallHistory({ cursor: first.nextCursor });
   */
  async fetchCallHistory(
    opts: { limit?: number | undefined; cursor?: string | undefined } = {},
  ): Promise<CallListResponse> {
    return this.rest.listCalls(opts);
  }

  /**
   * Downloads a call's recording (`call.recording.file`), for the call's parties only: an Ogg
   * Opus Blob to play in an `<audio>` element (via `URL.createObjectURL`) or to save.
   *
   * @example
   * const blob = await client.fetchRecording(entry.id);
   * audio.src = URL.createObjectURL(blob);
   */
  fetchRecording(callId: string): Promise<Blob> {
    return this.rest.fetchRecording(callId);
  }

  /**
   * Subscribes to a client event; returns the unsubscribe function.
   *
   * @example
   * const off = client.on('incomingCall', (call) => showRinging(call.peer.name));
   * off(); // later
   */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * The current state as one immutable object; the same object until something changes.
   *
   * @example
   * const { connectionState, activeCall } = client.getSnapshot();
   */
  getSnapshot = (): ClientSnapshot => this.store.getSnapshot();

  /**
   * Calls `listener` after every change of the snapshot; returns the unsubscribe function.
   *
   * @example
   * // React: both functions are bound, so they can be passed as they are.
   * const snap = useSyncExternalStore(client.subscribe, client.getSnapshot);
   */
  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  private wire(): void {
    const s = this.signaling;
    s.on('message', (m) => this.events.emit('protocolMessage', m));
    s.on('connected', (reconnect) => void this.onConnected(reconnect));
    s.on('reconnecting', () => {
      this.presence.handleDisconnected(false);
      if (this.state === 'connected') this.setState('reconnecting');
    });
    s.on('closed', (err) => {
      if (!err) return;
      // A failure already shown (the token provider's, when the retries give up) is not news.
      if (err !== this.lastError) this.events.emit('error', err);
      this.stopped(err);
    });
    // The token provider failed (reported once by the token source); retries follow.
    s.on('attemptFailed', (err) => {
      this.setError(err);
      this.settle(err);
    });
    const refresh = () => this.store.invalidate();
    forwardEvents(this.presence, this.events, ['presenceChanged', 'statusChanged'], refresh);
    forwardEvents(this.calls, this.events, ['callsChanged'], refresh);
    forwardEvents(this.calls, this.events, [
      'incomingCall',
      'callStarted',
      'callResumed',
      'callEnded',
      'recordingChanged',
    ]);
    forwardEvents(this.presence, this.events, ['error']);
    forwardEvents(this.calls, this.events, ['error']);
  }

  /** Every (re)connection: sync first, so calls and presence are right before we say `connected`. */
  private async onConnected(reconnect: boolean): Promise<void> {
    const run = ++this.syncing;
    this.tokens.schedule();
    try {
      // A page opened by a notification's Accept learns which call to answer meanwhile.
      const [{ calls, presence }, acceptId] = await Promise.all([
        this.signaling.request('sync', {}),
        this.push.acceptedCall(),
      ]);
      if (run !== this.syncing) return;
      void this.presence.handleConnected(presence);
      await this.calls.handleSync(calls, reconnect, acceptId);
    } catch (err) {
      if (run !== this.syncing) return;
      this.events.emit('error', toSynapseError(err));
      void this.presence.handleConnected([]);
    }
    if (!this.signaling.connected) return;
    this.setError(null);
    this.setState('connected');
    this.settle(null);
    if (!reconnect) this.push.resume();
  }

  /**
   * The connection stopped for good (a refusal, a timeout, `disconnect()`): a pending connect()
   * rejects with `err`, and `connectionError` becomes `shown` (none after `disconnect()`).
   */
  private stopped(err: SynapseError, shown: SynapseError | null = err): void {
    this.setError(shown);
    this.settle(err);
    this.tokens.stop();
    this.presence.handleDisconnected(true);
    this.calls.handleClosed('disconnected');
    this.setState('disconnected');
  }

  private setError(err: SynapseError | null): void {
    if (err === this.lastError) return;
    this.lastError = err;
    this.store.invalidate();
  }

  private settle(err: SynapseError | null): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (err) pending.reject(err);
    else pending.resolve();
    // Nobody may be awaiting connect(); an unobserved rejection must not crash the page.
    pending.promise.catch(() => undefined);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.store.invalidate();
    this.events.emit('connectionStateChanged', state);
  }

  private setUser(user: SynapseUser | null): void {
    if (!user || JSON.stringify(user) === JSON.stringify(this.currentUser)) return;
    this.currentUser = user;
    this.store.invalidate();
  }

  private buildSnapshot(): ClientSnapshot {
    const calls = this.calls.all.map((c) => c.snapshot());
    const active = this.calls.active;
    return Object.freeze({
      connectionState: this.state,
      connectionError: this.lastError,
      user: this.currentUser,
      status: this.presence.status,
      presence: Object.freeze(Object.fromEntries(this.presence.getAll().map((p) => [p.userId, p]))),
      calls: Object.freeze(calls),
      activeCall: active ? active.snapshot() : null,
      incomingCalls: Object.freeze(this.calls.incoming.map((c) => c.snapshot())),
      lastEndedCall: this.calls.lastEnded?.snapshot() ?? null,
    });
  }
}

/**
 * Creates a client. Nothing happens on the network until `client.connect()`.
 *
 * @example
 * const client = createClient({
 *   url: 'https://calls.example.com',
 *   // Your backend's token endpoint (docs/getting-started.md): JSON { token }.
 *   tokenProvider: async () => {
 *     const res = await fetch('/synapse/token', { credentials: 'include' });
 *     return ((await res.json()) as { token: string }).token;
 *   },
 * });
 */
export function createClient(options: ClientOptions): SynapseClient {
  return new SynapseClient(options);
}
