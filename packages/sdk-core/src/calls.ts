import { Call } from './call';
import { TypedEmitter } from './emitter';
import { CallError, toSynapseError, type SynapseError } from './errors';
import { preloadLiveKit } from './media/livekit';
import type { CreateMediaSession } from './media/session-factory';
import type { MediaSession } from './media/session';
import type { RecorderHandle } from './recording/p2p-recorder';
import type {
  CallInfo,
  CallMetadata,
  CallRecording,
  Media,
  SyncedCall,
} from '@synapse-calling/protocol';
import type { RestClient } from './rest';
import type { SignalingManager } from './signaling';
import type { CallEndReason, CallQueue } from './types';

export interface CallManagerEvents {
  /** Someone is calling this user. */
  incomingCall: (call: Call) => void;
  /** This client placed a call (it is ringing at the callee). */
  callStarted: (call: Call) => void;
  /** A call ended (any reason, including `answered-elsewhere`). */
  callEnded: (call: Call) => void;
  /** A call in progress was picked up again after a reload or reconnect (no new ring). */
  callResumed: (call: Call) => void;
  /** Any call was added, removed or changed. */
  callsChanged: () => void;
  /**
   * A call's recording changed, this client's calls or ended ones (its file is ready after the
   * call ended: `recording.file`).
   */
  recordingChanged: (callId: string, recording: CallRecording) => void;
  error: (err: SynapseError) => void;
}

/**
 * What the calls of a client need from it: one object, given to the CallManager and shared by
 * every Call it creates (so a Call is testable alone).
 */
export interface CallDeps {
  signaling: SignalingManager;
  /** REST, for how calls that ended while this client was offline ended. */
  rest: Pick<RestClient, 'listCalls'>;
  /** This user's id (from the token, which a refresh may replace). */
  selfId(): string;
  mediaEnabled: boolean;
  acquireMicrophone(deviceId: string | undefined): Promise<MediaStreamTrack>;
  /**
   * Whether the page already holds microphone permission (no prompt can show). Then a call
   * rings while the microphone opens; absent or false, the microphone opens first.
   */
  microphoneGranted?(): Promise<boolean>;
  createSession: CreateMediaSession;
  /**
   * Starts this browser's recorder of a P2P call (loaded on demand: only the party that
   * records downloads it).
   */
  startRecorder(
    callId: string,
    session: MediaSession,
    onError: (err: unknown) => void,
  ): Promise<RecorderHandle>;
}

/** What a Call asks of the manager that holds it. */
export interface CallOwner {
  /** Whether another call already occupies this client. */
  hasOtherActiveCall(call: Call): boolean;
  /** Something observable changed (the manager updates the snapshot store). */
  changed(call: Call): void;
}

/** Ended call ids remembered so that late or duplicate events are ignored, not resurrected. */
const REMEMBER_ENDED = 100;

/**
 * The client side's call manager (`client.calls`): the calls of this one client, as the server
 * reports them. Routes server events to the right Call (creating it when the event is the first
 * news of it), enforces one call at a time here, and reconciles after a reconnect. Not the
 * reference server's `CallManager`, which runs every call's state machine.
 *
 * @example
 * client.calls.on('callEnded', (call) => console.log(call.peer.name, call.endReason));
 * const current = client.calls.active; // the call in progress, or null
 */
export class CallManager extends TypedEmitter<CallManagerEvents> {
  private readonly calls = new Map<string, Call>();
  private readonly endedIds: string[] = [];
  private placing = false;
  private last: Call | null = null;
  /** Calls being accepted because the user chose Accept on a notification: they ring no more. */
  private readonly autoAccepting = new Set<string>();
  /**
   * `queue-position` of calls not known yet: the server announces right after its ack, which
   * may overtake `place` while it still waits for the microphone.
   */
  private readonly earlyQueue = new Map<string, CallQueue>();
  private readonly owner: CallOwner = {
    hasOtherActiveCall: (call) => this.placing || (!!this.active && this.active !== call),
    changed: () => this.emit('callsChanged'),
  };

  constructor(private readonly deps: CallDeps) {
    super();
    const s = deps.signaling;
    s.onServer('incoming-call', ({ call }) => {
      // A transfer may ring this user again for a call it rang before (declined, cancelled).
      if (call.transfer?.to.id === deps.selfId()) this.forgetEnded(call.id);
      const existing = this.calls.has(call.id);
      const c = this.upsert(call);
      if (c && !existing && c.direction === 'incoming' && c.state === 'ringing') {
        this.emit('incomingCall', c);
      }
    });
    s.onServer('call-accepted', ({ call, media }) =>
      this.upsert(call)?.handleAccepted(call, media, null),
    );
    s.onServer('call-rejected', ({ call }) => this.upsert(call)?.handleCallInfo(call));
    s.onServer('call-ended', ({ call }) => this.upsert(call)?.handleCallInfo(call));
    s.onServer('call-answered-elsewhere', ({ call }) =>
      this.upsert(call)?.finish('answered-elsewhere', call.answeredAt),
    );
    s.onServer('call-transferring', ({ call, media }) =>
      this.calls.get(call.id)?.handleTransferring(call, media),
    );
    s.onServer('call-transferred', ({ call, media }) =>
      this.calls.get(call.id)?.handleTransferred(call, media),
    );
    // #region video
    s.onServer('media-changed', (payload) =>
      this.calls.get(payload.callId)?.handleMediaChanged(payload),
    );
    // #endregion
    s.onServer('queue-position', ({ callId, position, expectedWaitMs }) => {
      const queue = { position, expectedWaitMs };
      const call = this.calls.get(callId);
      if (call) return call.handleQueuePosition(queue);
      if (this.endedIds.includes(callId)) return;
      this.earlyQueue.set(callId, queue);
      if (this.earlyQueue.size > REMEMBER_ENDED) {
        this.earlyQueue.delete(this.earlyQueue.keys().next().value as string);
      }
    });
    s.onServer('media-signal', ({ callId, signal, consult }) =>
      this.calls.get(callId)?.handleSignal(signal, consult === true),
    );
    // A background tab the browser froze runs again: its socket may have missed events, or died
    // without noticing yet, so ask for the calls at once instead of waiting for a heartbeat.
    globalThis.document?.addEventListener('resume', () => void this.resync());
    s.onServer('recording-changed', ({ callId, state }) => {
      this.calls.get(callId)?.handleRecording(state);
      this.emit('recordingChanged', callId, state);
    });
  }

  /** The call this client is in or placing (not a ringing incoming one), or null. */
  get active(): Call | null {
    for (const call of this.calls.values()) {
      if (call.direction === 'outgoing' || call.state === 'connecting' || call.state === 'active') {
        return call;
      }
    }
    return null;
  }

  /** Incoming calls still ringing, oldest first. */
  get incoming(): Call[] {
    return [...this.calls.values()].filter(
      (c) => c.direction === 'incoming' && c.state === 'ringing' && !this.autoAccepting.has(c.id),
    );
  }

  /** Every call that has not ended. */
  get all(): Call[] {
    return [...this.calls.values()];
  }

  /** The most recently ended call, or null. */
  get lastEnded(): Call | null {
    return this.last;
  }

  /**
   * The call `callId` while it has not ended (e.g. to act on a snapshot's call).
   *
   * @example
   * const ringing = client.getSnapshot().incomingCalls[0];
   * if (ringing) await client.calls.get(ringing.id)?.accept();
   */
  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /**
   * Places a call (what `client.call()` does). Unless the page already holds microphone
   * permission, the microphone opens first, so a denied permission never rings anyone; with
   * permission it opens while the callee rings, and if it still fails the call is cancelled at
   * once and `place` rejects with the microphone's error.
   *
   * `to` is a user id, or `{ line }` for a call to a support line (the server picks the agent).
   *
   * @example
   * const call = await client.calls.place('ann');
   * const support = await client.calls.place({ line: 'support' });
   */
  async place(
    to: string | { line: string },
    opts: { metadata?: CallMetadata | undefined } = {},
  ): Promise<Call> {
    if (!this.deps.signaling.connected) throw CallError.notConnected();
    if (this.placing || this.active) throw CallError.alreadyInCall();
    this.placing = true;
    let track: MediaStreamTrack | null = null;
    // Issue 14: opening the microphone took 100–500 ms of every ring on a cold page.
    let opening: Promise<MediaStreamTrack> | null = null;
    try {
      if (this.deps.mediaEnabled && (await this.deps.microphoneGranted?.())) {
        opening = this.deps.acquireMicrophone(undefined);
        // Awaited below; until then a rejection must not count as unhandled.
        opening.catch(() => undefined);
      } else if (this.deps.mediaEnabled) {
        track = await this.deps.acquireMicrophone(undefined);
      }
      // On glare (both called each other) the server answers the call that rang first and
      // returns it with media, as `accept-call` would.
      let answer: { call: CallInfo; media?: Media };
      try {
        answer = (await this.deps.signaling.request('initiate-call', {
          ...(typeof to === 'string' ? { to } : { toLine: to.line }),
          ...(opts.metadata === undefined ? {} : { metadata: opts.metadata }),
        })) as { call: CallInfo; media?: Media };
      } catch (err) {
        releaseWhenOpen(opening);
        throw err;
      }
      const { call, media } = answer;
      this.prepareMedia(call);
      const existing = this.calls.has(call.id);
      const c = this.upsert(call);
      if (!c) {
        releaseWhenOpen(opening);
        throw call.endReason === 'busy'
          ? CallError.busy()
          : CallError.invalidState(`The call ended before it started (${call.endReason})`);
      }
      // Known before the microphone is open, so that a decline, cancel or accept arriving
      // meanwhile lands on this call (and on the UI following it) rather than on an unknown id.
      if (c.direction === 'outgoing' && !existing) this.emit('callStarted', c);
      if (opening) {
        try {
          track = await opening;
        } catch (err) {
          // Already ringing: cancel before telling why, so nobody rings for a call without audio.
          await this.deps.signaling.request('end-call', { callId: call.id }).catch(() => undefined);
          throw err;
        }
      }
      if (c.direction === 'outgoing') {
        // An accept that overtook the microphone already started media with its own; a call
        // declined or cancelled meanwhile needs none (the track is stopped below).
        if (c.state !== 'ringing') return c;
        c.holdMicrophone(track);
        track = null;
      } else if (media) {
        c.handleAccepted(call, media, track);
        track = null;
      }
      return c;
    } catch (err) {
      throw toSynapseError(err);
    } finally {
      track?.stop();
      this.placing = false;
    }
  }

  /**
   * @internal After (re)connecting: adopt the server's view of this user's calls. `acceptId`:
   * a ringing call the user already accepted on a notification, accepted now without ringing.
   */
  async handleSync(
    synced: SyncedCall[],
    reconnect: boolean,
    acceptId: string | null = null,
  ): Promise<void> {
    const seen = new Set(synced.map((s) => s.call.id));
    const vanished = [...this.calls.values()].filter((c) => !seen.has(c.id));
    for (const entry of synced) {
      const { call, media } = entry;
      const known = this.calls.get(call.id);
      // An active call without media is carried by another tab or device of this user.
      if (!known && call.state === 'active' && !media) continue;
      const c = this.upsert(call);
      if (!c) continue;
      if (known) {
        c.handleCallInfo(call);
        if (c.state === 'ended') continue;
        c.handleSyncedMedia(entry, false); // video
        // Still ours: media usually survived the signalling blip; let it check itself.
        if (call.state === 'active' && !c.media) c.handleAccepted(call, media, null, true);
        else c.handleSignalingReconnected();
        continue;
      }
      if (call.state === 'active') {
        c.handleAccepted(call, media, null, true);
        c.handleSyncedMedia(entry, true); // video
        this.emit('callResumed', c);
      } else if (c.direction === 'incoming' && c.id === acceptId) {
        this.acceptFromNotification(c);
      } else if (c.direction === 'incoming') {
        this.emit('incomingCall', c);
      } else {
        this.emit('callResumed', c);
      }
    }
    if (reconnect && vanished.length) {
      // These ended while we were away; ask the history how, else call it a disconnect.
      const ended = await this.endedWhileAway(vanished.map((c) => c.id)).catch(() => []);
      for (const c of vanished) {
        const data = ended.find((e) => e.id === c.id);
        c.finish(data?.endReason ?? 'disconnected', data?.endedAt);
      }
    }
  }

  /** Adopts the server's view of the calls again, on the connection there is. */
  private async resync(): Promise<void> {
    if (!this.deps.signaling.connected) return;
    try {
      const { calls } = await this.deps.signaling.request('sync', {});
      await this.handleSync(calls, true);
    } catch {
      // The connection is gone after all: reconnecting syncs anyway.
    }
  }

  /**
   * Answers a call whose notification's Accept opened this page: it joins as a resumed call
   * does. If answering fails (the microphone is refused), it rings here after all.
   */
  private acceptFromNotification(call: Call): void {
    this.autoAccepting.add(call.id);
    const settle = () => {
      this.autoAccepting.delete(call.id);
      this.emit('callsChanged');
    };
    call.accept().then(
      () => {
        settle();
        this.emit('callResumed', call);
      },
      (err: unknown) => {
        settle();
        this.emit('error', toSynapseError(err));
        if (call.state === 'ringing') this.emit('incomingCall', call);
      },
    );
  }

  /** @internal The client is shutting down: release media; the server keeps the calls for its grace window. */
  handleClosed(reason: CallEndReason): void {
    for (const c of [...this.calls.values()]) c.finish(reason);
  }

  private forgetEnded(callId: string): void {
    const i = this.endedIds.indexOf(callId);
    if (i >= 0) this.endedIds.splice(i, 1);
  }

  private upsert(data: CallInfo): Call | null {
    const known = this.calls.get(data.id);
    if (known) return known;
    if (this.endedIds.includes(data.id)) return null;
    const call = new Call(this.deps, this.owner, data);
    if (data.state === 'ended') {
      // First news of a call is its end (e.g. busy): report it, keep nothing.
      call.handleCallInfo(data);
      this.rememberEnded(call);
      return null;
    }
    this.calls.set(call.id, call);
    this.prepareMedia(data);
    call.on('ended', () => {
      this.calls.delete(call.id);
      this.rememberEnded(call);
      this.emit('callsChanged');
      this.emit('callEnded', call);
    });
    call.handleCallInfo(data);
    const queue = this.earlyQueue.get(call.id);
    this.earlyQueue.delete(call.id);
    if (queue) call.handleQueuePosition(queue);
    this.emit('callsChanged');
    return call;
  }

  /**
   * Issue 14: a ringing call the server says goes through LiveKit loads livekit-client now, so
   * accept does not wait ~130 ms for the chunk. A P2P call (or one from a server that does not
   * say) never loads it here.
   */
  private prepareMedia(call: CallInfo): void {
    if (this.deps.mediaEnabled && call.state === 'ringing' && call.mediaKind === 'livekit') {
      preloadLiveKit();
    }
  }

  /** How the calls `ids` ended, as far as the recent history knows. */
  private async endedWhileAway(ids: string[]): Promise<CallInfo[]> {
    const { calls } = await this.deps.rest.listCalls({ limit: 50 });
    return calls.filter((c) => ids.includes(c.id) && c.state === 'ended');
  }

  private rememberEnded(call: Call): void {
    this.last = call;
    this.endedIds.push(call.id);
    if (this.endedIds.length > REMEMBER_ENDED) this.endedIds.shift();
  }
}

/** Stops a microphone that is still opening once it opens (its call will not use it). */
function releaseWhenOpen(opening: Promise<MediaStreamTrack> | null): void {
  void opening?.then(
    (track) => track.stop(),
    () => undefined,
  );
}
