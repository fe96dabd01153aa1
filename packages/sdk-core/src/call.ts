import { TypedEmitter, forwardEvents } from './emitter';
import { CallError, toSynapseError, type SynapseError } from './errors';
import type {
  CallInfo,
  CallMetadata,
  CallRecording,
  CallTransfer,
  ClientEventResult,
  Media,
  MediaKind,
  MediaSignal,
  MediaChangedPayload,
  Party,
  SyncedCall,
  VideoSource,
} from '@synapse-calling/protocol';
import type { CallDeps, CallOwner } from './calls';
import type { MediaSession } from './media/session';
import type { ConsultLink } from './media/consult-link';
import { RecorderRunner } from './recording/recorder-runner';
import { VideoLink, type CallVideoEvents } from './media/video/video-link';
import type { RemoteVideo } from './media/video/types';
import type {
  CallDirection,
  CallEndReason,
  CallQuality,
  CallQueue,
  CallSnapshot,
  ClientCallState,
  TransferOptions,
  TransferTarget,
} from './types';

/** Remote level above which the peer counts as speaking (`CallSnapshot.speaking`). */
const SPEAKING_THRESHOLD = 0.04;

export interface CallEvents extends CallVideoEvents {
  /** The state changed (`ringing` → `connecting` → `active` → `ended`). */
  stateChanged: (state: ClientCallState, previous: ClientCallState) => void;
  /** The call ended; `endReason` says why. */
  ended: (reason: CallEndReason | undefined) => void;
  mutedChanged: (muted: boolean) => void;
  qualityChanged: (quality: CallQuality) => void;
  /** The browser refused to autoplay the remote audio; call `startAudio()` from a click. */
  audioBlockedChanged: (blocked: boolean) => void;
  /** Remote level 0..1, about ten times a second while media is up. */
  audioLevel: (level: number) => void;
  /** Media lost its path and is recovering (the call goes on). */
  mediaReconnecting: () => void;
  mediaReconnected: () => void;
  /**
   * The call's recording changed: started, waiting for this user's consent (`consentFrom`),
   * stopped, declined or failed. Both parties hear of it; show a notice while it records.
   */
  recordingChanged: (recording: CallRecording | null) => void;
  /**
   * A call to a line waits for an agent and its place changed (`queue`), or it stopped waiting
   * (null: an agent rings, or the call ended).
   */
  queueChanged: (queue: CallQueue | null) => void;
  /**
   * An agent started transferring this call (`call.transfer`: to whom), a warm transfer's target
   * answered (`transfer.state` is `consulting`: the agents talk, the other party is on hold), or
   * the transfer stopped (null: declined, missed, cancelled, or completed).
   */
  transferChanged: (transfer: CallTransfer | null) => void;
  /**
   * The call was transferred: `peer` is the new party (the agent who took it over). Media moved
   * to them without the call dropping.
   */
  transferred: (peer: Party) => void;
  error: (err: SynapseError) => void;
}

/**
 * One call as this client sees it: a small state machine fed by server events (`handle…`) and
 * driven by the user's methods, owning the call's MediaSession while media is up.
 */
export class Call extends TypedEmitter<CallEvents> {
  readonly id: string;
  readonly direction: CallDirection;
  /** The line's id on a call to a line (`client.callLine`), else null. */
  readonly line: string | null;
  readonly createdAt: number;
  metadata: CallMetadata | undefined;
  private serverInfo: CallInfo;
  private currentState: ClientCallState;
  private answeredAt: number | null = null;
  private endedAtMs: number | null = null;
  private reason: CallEndReason | undefined;
  private isMuted = false;
  private session: MediaSession | null = null;
  private kind: MediaKind | null = null;
  private pendingTrack: MediaStreamTrack | null = null;
  private pendingSignals: MediaSignal[] = [];
  private inputDeviceId: string | undefined;
  private outputDeviceId: string | undefined;
  private level = 0;
  private isSpeaking = false;
  private reconnecting = false;
  private cached: CallSnapshot | null = null;
  private party: Party;
  private waiting: CallQueue | null = null;
  private readonly recorder: RecorderRunner;
  private readonly video: VideoLink; // video
  /** The transferring agent's consultation with a warm transfer's target, while it lasts. */
  private consultLink: ConsultLink | MediaSignal[] | null = null;
  /** This user's media session is a warm transfer's consultation (they are its target). */
  private sessionIsConsult = false;

  constructor(
    private readonly deps: CallDeps,
    private readonly owner: CallOwner,
    data: CallInfo,
  ) {
    super();
    this.id = data.id;
    this.direction = data.from.id === deps.selfId() ? 'outgoing' : 'incoming';
    this.party = this.peerOf(data);
    this.line = data.line ?? null;
    this.createdAt = data.createdAt;
    this.metadata = data.metadata;
    this.serverInfo = data;
    this.currentState = this.serverState(data) === 'ringing' ? 'ringing' : 'idle';
    this.recorder = new RecorderRunner(
      (session, onError) => deps.startRecorder(this.id, session, onError),
      (err) => this.emit('error', toSynapseError(err)),
    );
    // #region video
    this.video = new VideoLink(this, {
      session: () => this.session,
      signaling: deps.signaling,
      touch: () => this.touch(),
    });
    // #endregion
  }

  /**
   * The server's latest record of this call, from its last event or acknowledgement: what the
   * call history lists. It says `ended` only once the server ended the call, unlike `state`,
   * which this client also ends by itself (answered in another tab, `disconnect()`).
   *
   * @example
   * client.on('callEnded', (call) => {
   *   if (call.info.state === 'ended') showInHistory(call.info);
   * });
   */
  get info(): CallInfo {
    return this.serverInfo;
  }

  get state(): ClientCallState {
    return this.currentState;
  }
  /**
   * The other party. On a call to a line it follows the server: the line's stand-in
   * (`{ id: 'line:support#…', name: 'Support' }`) while waiting, then the agent ringing or
   * answering.
   */
  get peer(): Party {
    return this.party;
  }
  /** While a call to a line waits for an agent: its place in line; else null. */
  get queue(): CallQueue | null {
    return this.waiting;
  }
  /** When the call was answered (ms since the epoch), or null. */
  get startedAt(): number | null {
    return this.answeredAt;
  }
  get endedAt(): number | null {
    return this.endedAtMs;
  }
  /** Seconds since the call was answered, live (frozen once it ends). */
  get duration(): number {
    if (this.answeredAt === null) return 0;
    return Math.max(0, Math.floor(((this.endedAtMs ?? Date.now()) - this.answeredAt) / 1000));
  }
  get endReason(): CallEndReason | undefined {
    return this.reason;
  }
  get muted(): boolean {
    return this.isMuted;
  }
  get quality(): CallQuality {
    return this.session?.quality ?? 'unknown';
  }
  get audioBlocked(): boolean {
    return this.session?.audioBlocked ?? false;
  }
  /** Remote level 0..1 (0 without media). */
  get remoteAudioLevel(): number {
    return this.level;
  }
  /** The peer's audio, for analysis or custom playback (the SDK already plays it). */
  get remoteStream(): MediaStream | null {
    return this.session?.remoteStream ?? null;
  }
  get mediaKind(): MediaKind | null {
    return this.kind;
  }
  /** The call's recording (null when nobody asked to record it); see `recordingChanged`. */
  get recording(): CallRecording | null {
    return this.serverInfo.recording ?? null;
  }
  /** While an agent transfers the call: to whom and by whom; else null (`transferChanged`). */
  get pendingTransfer(): CallTransfer | null {
    return this.serverInfo.transfer ?? null;
  }
  /**
   * A warm transfer's consultation runs and this user is a party of the call: the two parties
   * hear nothing of each other (the agent talks with the target; the other party is on hold).
   */
  get onHold(): boolean {
    const self = this.deps.selfId();
    const { from, to, transfer } = this.serverInfo;
    return transfer?.state === 'consulting' && (from.id === self || to.id === self);
  }

  // #region video
  /** The other party's videos being received (camera, screen share); see `remoteVideoAdded`. */
  get remoteVideos(): readonly RemoteVideo[] {
    return this.video.remoteVideos;
  }

  /**
   * This user's camera or screen track being sent, or null (for a self-view).
   *
   * @example
   * call.on('localVideoChanged', () => {
   *   const camera = call.localVideo('camera');
   *   if (camera) call.attachVideo(camera, selfView);
   * });
   */
  localVideo(source: VideoSource): MediaStreamTrack | null {
    return this.video.localVideo(source);
  }

  /**
   * Shares a screen (the browser shows its picker): the server's policy may refuse
   * (`forbidden`); closing the picker rejects `media-permission-denied`. The browser's own
   * "Stop sharing" bar stops it like `stopScreenShare()`. Video code loads on first use.
   *
   * @example
   * shareButton.onclick = () =>
   *   void (call.localVideo('screen') ? call.stopScreenShare() : call.startScreenShare());
   */
  startScreenShare(): Promise<void> {
    return this.video.run('startScreenShare');
  }

  /**
   * Stops sharing the screen (the other party's video ends).
   *
   * @example
   * await call.stopScreenShare();
   */
  stopScreenShare(): Promise<void> {
    return this.video.run('stopScreenShare');
  }

  /**
   * Turns the camera on (optionally a given one, see `listCameras()`) or off. The server's
   * policy may refuse (`forbidden`). With the camera on, a `deviceId` switches cameras.
   *
   * @example
   * cameraButton.onclick = () => void call.setCamera(!call.localVideo('camera'));
   */
  setCamera(on: boolean, deviceId?: string): Promise<void> {
    return this.video.run('setCamera', on, deviceId);
  }

  /**
   * Shows a video in a `<video>` element: a received `RemoteVideo` (in LiveKit calls this also
   * lets the SFU send it at the size shown), or a local track for a self-view.
   *
   * @example
   * call.on('remoteVideoAdded', (video) => call.attachVideo(video, stage));
   */
  attachVideo(video: RemoteVideo | MediaStreamTrack, element: HTMLVideoElement): void {
    this.video.attach(video, element);
  }
  // #endregion

  /** @internal The media session (tests, advanced use). */
  get media(): MediaSession | null {
    return this.session;
  }

  /**
   * Answers an incoming ringing call: opens the microphone first, then tells the server.
   *
   * @example
   * client.on('incomingCall', async (call) => {
   *   if (await askUser(`${call.peer.name} is calling`)) await call.accept();
   * });
   */
  async accept(): Promise<void> {
    if (this.direction !== 'incoming' || this.currentState !== 'ringing') {
      throw CallError.invalidState(`Cannot accept a ${this.direction} call that is ${this.state}`);
    }
    if (this.owner.hasOtherActiveCall(this)) throw CallError.alreadyInCall();
    // Microphone first: a denied permission must fail here, with the call still ringing, rather
    // than after the caller has been told the call was answered.
    const track = this.deps.mediaEnabled
      ? await this.deps.acquireMicrophone(this.inputDeviceId)
      : null;
    if (this.currentState !== 'ringing') {
      track?.stop();
      throw CallError.invalidState(`The call ended while opening the microphone`);
    }
    let result: ClientEventResult<'accept-call'>;
    try {
      result = await this.deps.signaling.request('accept-call', { callId: this.id });
    } catch (err) {
      track?.stop();
      throw toSynapseError(err);
    }
    this.handleAccepted(result.call, result.media, track);
  }

  /**
   * Declines an incoming ringing call.
   *
   * @example
   * await call.reject('in a meeting');
   */
  async reject(reason?: string): Promise<void> {
    if (this.direction !== 'incoming' || this.currentState !== 'ringing') {
      throw CallError.invalidState(`Cannot reject a ${this.direction} call that is ${this.state}`);
    }
    const { call } = await this.deps.signaling.request('reject-call', {
      callId: this.id,
      ...(reason === undefined ? {} : { reason }),
    });
    this.handleCallInfo(call);
  }

  /**
   * Hangs up (or cancels an outgoing call still ringing; rejects an incoming one). Idempotent.
   *
   * @example
   * hangUpButton.onclick = () => void call.end();
   */
  async end(): Promise<void> {
    if (this.currentState === 'ended') return;
    if (this.direction === 'incoming' && this.currentState === 'ringing') return this.reject();
    const { call } = await this.deps.signaling.request('end-call', { callId: this.id });
    this.handleCallInfo(call);
  }

  /**
   * Sends silence until `unmute()`; works before media starts too.
   *
   * @example
   * muteButton.onclick = () => void (call.muted ? call.unmute() : call.mute());
   */
  async mute(): Promise<void> {
    this.setMuted(true);
  }

  /**
   * Sends the microphone again after `mute()`.
   *
   * @example
   * await call.unmute();
   */
  async unmute(): Promise<void> {
    this.setMuted(false);
  }

  /**
   * Starts recording the call (agents, by default). Both parties are told; when the server
   * requires the other party's consent, the recording waits for it (`consent-pending`).
   *
   * @example
   * recordButton.onclick = () => void call.startRecording();
   * call.on('recordingChanged', (r) => (notice.hidden = r?.status !== 'recording'));
   */
  async startRecording(): Promise<void> {
    await this.recordingRequest('start-recording');
  }

  /**
   * Stops recording (the file is kept; one recording per call).
   *
   * @example
   * await call.stopRecording();
   */
  async stopRecording(): Promise<void> {
    await this.recordingRequest('stop-recording');
  }

  /**
   * Answers a request to record (`recording.status === 'consent-pending'` and
   * `recording.consentFrom` is this user): `true` lets it start, `false` declines (logged).
   *
   * @example
   * call.on('recordingChanged', async (r) => {
   *   if (r?.status === 'consent-pending' && r.consentFrom === client.user?.id) {
   *     await call.answerRecordingConsent(confirm('Allow this call to be recorded?'));
   *   }
   * });
   */
  async answerRecordingConsent(accept: boolean): Promise<void> {
    const { recording } = await this.deps.signaling.request('recording-consent', {
      callId: this.id,
      accept,
    });
    this.handleRecording(recording);
  }

  /**
   * Hands this active call to another agent (`{ to: userId }`) or to an available agent of a
   * line (`{ toLine }`); agents only. Blind (the default): this user stays in the call while the
   * target's page rings, and leaves it (the call ends here) once they answer; the other party
   * never drops. Warm (`{ mode: 'warm' }`): once the target answers, this user talks with them
   * (`pendingTransfer.state` is `consulting`) while the other party is on hold, then calls
   * `completeTransfer()` or `cancelTransfer()`. Refused `busy`/`offline` when the target cannot
   * take it, `not-found` for an unknown agent or line.
   *
   * @example
   * transferButton.onclick = () => void call.transfer({ to: 'bob' });
   * consultButton.onclick = () => void call.transfer({ to: 'bob' }, { mode: 'warm' });
   * call.on('transferChanged', (t) => (status.textContent = t ? `${t.state}: ${t.to.name}` : ''));
   */
  async transfer(target: TransferTarget, options: TransferOptions = {}): Promise<void> {
    const { call } = await this.deps.signaling.request('transfer-call', {
      callId: this.id,
      ...target,
      ...(options.mode ? { mode: options.mode } : {}),
    });
    this.handleCallInfo(call);
  }

  /**
   * Withdraws this user's transfer before it completed (ringing, or a warm transfer's
   * consultation: it ends, and the call is this user's again, off hold).
   *
   * @example
   * cancelButton.onclick = () => void call.cancelTransfer();
   */
  async cancelTransfer(): Promise<void> {
    const { call } = await this.deps.signaling.request('cancel-transfer', { callId: this.id });
    this.handleCallInfo(call);
  }

  /**
   * Completes this user's warm transfer while consulting: the other party is connected to the
   * target and the call ends here (`completed`).
   *
   * @example
   * call.on('transferChanged', (t) => (completeButton.hidden = t?.state !== 'consulting'));
   * completeButton.onclick = () => void call.completeTransfer();
   */
  async completeTransfer(): Promise<void> {
    const { call } = await this.deps.signaling.request('complete-transfer', { callId: this.id });
    this.handleCallInfo(call);
  }

  /**
   * Switches the microphone (`'default'` for the system default); the call stays up.
   *
   * @example
   * const { inputs } = await listAudioDevices();
   * await call.setInputDevice(inputs[1]?.deviceId ?? 'default');
   */
  async setInputDevice(deviceId: string): Promise<void> {
    this.inputDeviceId = deviceId;
    await this.session?.setInputDevice(deviceId);
  }

  /**
   * Routes the remote audio to a speaker (where `setSinkId` is supported).
   *
   * @example
   * if (outputSelectionSupported()) await call.setOutputDevice(headset.deviceId);
   */
  async setOutputDevice(deviceId: string): Promise<void> {
    this.outputDeviceId = deviceId;
    await this.session?.setOutputDevice(deviceId);
  }

  /**
   * Starts remote audio the browser blocked (`audioBlocked`); call it from a user gesture.
   *
   * @example
   * call.on('audioBlockedChanged', (blocked) => {
   *   if (blocked) showButton('Click to hear the call', () => call.startAudio());
   * });
   */
  async startAudio(): Promise<void> {
    await this.session?.startAudio();
    this.touch();
  }

  /**
   * A plain object for stores and serialisation; the same object until something changes.
   *
   * @example
   * const { state, duration, quality } = call.snapshot();
   */
  snapshot(): CallSnapshot {
    this.cached ??= {
      id: this.id,
      state: this.currentState,
      direction: this.direction,
      peer: this.party,
      line: this.line,
      queue: this.waiting,
      metadata: this.metadata,
      createdAt: this.createdAt,
      startedAt: this.answeredAt,
      endedAt: this.endedAtMs,
      duration: this.duration,
      endReason: this.reason,
      muted: this.isMuted,
      quality: this.quality,
      audioBlocked: this.audioBlocked,
      speaking: this.isSpeaking,
      mediaKind: this.kind,
      mediaReconnecting: this.reconnecting,
      recording: this.recording,
      transfer: this.pendingTransfer,
      onHold: this.onHold,
      video: this.video.snapshot(), // video
    };
    return this.cached;
  }

  /**
   * The snapshot, so that `JSON.stringify(call)` gives plain data.
   *
   * @example
   * sessionStorage.setItem('lastCall', JSON.stringify(call));
   */
  toJSON(): CallSnapshot {
    return this.snapshot();
  }

  // --- fed by the CallManager -------------------------------------------------------------

  /** @internal The microphone opened before `initiate-call`, used once the call is accepted. */
  holdMicrophone(track: MediaStreamTrack | null): void {
    this.pendingTrack = track;
  }

  /** @internal `recording-changed`, or the answer to a recording request. */
  handleRecording(recording: CallRecording): void {
    if (this.currentState === 'ended') return;
    this.handleCallInfo({ ...this.serverInfo, recording });
  }

  /** @internal `queue-position`: this call to a line waits, at `queue.position`. */
  handleQueuePosition(queue: CallQueue): void {
    if (this.currentState !== 'ringing' && this.currentState !== 'idle') return;
    this.setQueue(queue);
  }

  /** @internal Any server view of this call (an ack, an event, a sync entry). */
  handleCallInfo(data: CallInfo, reason?: CallEndReason): void {
    if (this.currentState === 'ended') return;
    const before = JSON.stringify(this.serverInfo.recording);
    const transferBefore = JSON.stringify(this.serverInfo.transfer);
    this.serverInfo = data;
    const party = this.peerOf(data);
    if (party.id !== this.party.id || party.name !== this.party.name) {
      this.party = party;
      this.touch();
    }
    // Only the line's stand-in party waits; any agent as `to` means the wait is over.
    if (data.state !== 'ringing' || party.id !== `line:${this.line}#${this.id}`)
      this.setQueue(null);
    if (JSON.stringify(data.recording) !== before) {
      this.touch();
      this.emit('recordingChanged', this.recording);
      this.syncRecorder();
    }
    if (JSON.stringify(data.transfer) !== transferBefore && data.state !== 'ended') {
      this.touch();
      this.syncHold();
      this.emit('transferChanged', this.pendingTransfer);
    }
    this.metadata = data.metadata ?? this.metadata;
    if (data.answeredAt && this.answeredAt === null) this.answeredAt = data.answeredAt;
    const state = this.serverState(data);
    if (state === 'ended') {
      this.finish(reason ?? data.endReason, data.endedAt);
    } else if (state === 'ringing' && this.currentState === 'idle') {
      this.setState('ringing');
    } else if (state === 'active' && !this.session && !this.deps.mediaEnabled) {
      this.answeredAt ??= Date.now();
      this.setState('active');
    }
  }

  /**
   * @internal The call was answered and media may start: just now (callee ack, caller event) or
   * earlier (`resumed`: a sync after a reload or reconnect).
   */
  handleAccepted(
    data: CallInfo,
    media: Media | undefined,
    track: MediaStreamTrack | null,
    resumed = false,
  ): void {
    this.handleCallInfo(data);
    if (this.currentState === 'ended' || this.session) {
      track?.stop();
      return;
    }
    if (!this.deps.mediaEnabled || !media) {
      track?.stop();
      this.answeredAt ??= Date.now();
      this.setState('active');
      return;
    }
    this.setState('connecting');
    void this.startMedia(media, track ?? this.pendingTrack, resumed);
    this.pendingTrack = null;
  }

  /**
   * @internal What `sync` says each party sends: the other party's video, and (`tookOver`: the
   * call just moved to this page) this user's video that stopped with the page it ran in.
   */
  handleSyncedMedia({ peerMedia, ownMedia }: SyncedCall, tookOver: boolean): void {
    if (this.currentState === 'ended') return;
    if (peerMedia) this.video.handleMediaChanged(peerMedia); // video
    if (ownMedia && tookOver) this.video.handleResumed(ownMedia); // video
  }

  /**
   * @internal `call-transferred`: the other side is a new party. P2P: a new peer connection to
   * them replaces the old one. LiveKit: the same room; the old agent was removed from it.
   */
  handleTransferred(data: CallInfo, media: Media): void {
    this.handleCallInfo(data);
    if (this.currentState === 'ended') return;
    this.emit('transferred', this.party);
    // LiveKit keeps the room, unless this user's media was the consultation (its own room).
    const sameRoom = media.kind === 'livekit' && this.session?.kind === 'livekit';
    if (!this.session || (sameRoom && !this.sessionIsConsult)) return;
    this.video.close(); // video
    this.session.close();
    this.session = null;
    this.pendingSignals = [];
    void this.startMedia(media, null, false);
  }

  /**
   * @internal `call-transferring`: a transfer started or stopped, or a warm transfer's target
   * answered; the transferring agent's connection then gets `media` to reach them.
   */
  handleTransferring(data: CallInfo, media: Media | undefined): void {
    this.handleCallInfo(data);
    // Only the transferring agent's connection gets `media`; the other party is just on hold.
    if (media && this.onHold && this.deps.mediaEnabled && !this.consultLink) {
      void this.startConsult(media);
    }
  }

  /** The agent's consultation; its code loads on first use (only agents transferring need it). */
  private async startConsult(media: Media): Promise<void> {
    // Signals of the consultation that arrive meanwhile wait in the array.
    this.consultLink = [];
    const { ConsultLink } = await import('./media/consult-link');
    const waiting = this.consultLink;
    if (!Array.isArray(waiting)) return;
    const link = new ConsultLink({
      callId: this.id,
      createSession: this.deps.createSession,
      acquireMicrophone: (id) => this.deps.acquireMicrophone(id),
      inputDeviceId: () => this.inputDeviceId,
      onError: (err) => this.emit('error', toSynapseError(err, 'media-failed')),
      changed: () => this.touch(),
    });
    this.consultLink = link;
    for (const signal of waiting) link.handleSignal(signal);
    await link.start(media);
  }

  /** @internal `media-changed`: what the other party now sends. */
  handleMediaChanged(payload: MediaChangedPayload): void {
    if (this.currentState !== 'ended') this.video.handleMediaChanged(payload); // video
  }

  /** @internal `consult`: a signal of a warm transfer's consultation. */
  handleSignal(signal: MediaSignal, consult = false): void {
    const link = this.consultLink;
    if (consult && !this.sessionIsConsult) {
      // The agent's consultation may still be loading: its signals wait for it.
      return void (Array.isArray(link) ? link.push(signal) : link?.handleSignal(signal));
    }
    if (this.session) this.session.handleSignal(signal);
    else if (this.currentState !== 'ended') this.pendingSignals.push(signal);
  }

  /** @internal The signalling socket came back while this call's media runs. */
  handleSignalingReconnected(): void {
    this.session?.handleSignalingReconnected();
  }

  /** @internal Ends locally (server said so, or this client is shutting down). */
  finish(reason: CallEndReason | undefined, endedAt?: number): void {
    if (this.currentState === 'ended') return;
    this.reason = reason;
    this.endedAtMs = endedAt ?? Date.now();
    this.pendingTrack?.stop();
    this.pendingTrack = null;
    this.pendingSignals = [];
    this.recorder.stop();
    this.video.close(); // video
    this.closeConsult();
    this.session?.close();
    this.session = null;
    this.level = 0;
    this.isSpeaking = false;
    this.setQueue(null);
    this.setState('ended');
    this.emit('ended', reason);
  }

  private async startMedia(
    media: Media,
    given: MediaStreamTrack | null,
    resumed: boolean,
  ): Promise<void> {
    let track = given;
    try {
      track ??= await this.deps.acquireMicrophone(this.inputDeviceId);
    } catch (err) {
      return this.mediaFailed(toSynapseError(err, 'media-failed'));
    }
    if (this.currentState === 'ended') {
      track.stop();
      return;
    }
    // The target of a warm transfer answers into the consultation, not the call.
    const consult = this.isConsultTarget();
    const of = consult ? { id: this.id, muted: this.isMuted, consult } : this;
    const session = this.deps.createSession(of, media, track, resumed);
    this.session = session;
    this.sessionIsConsult = consult;
    this.kind = session.kind;
    session.setMuted(this.isMuted || this.onHold);
    session.on('connected', () => {
      this.answeredAt ??= Date.now();
      this.setState('active');
      this.syncRecorder();
    });
    session.on('reconnecting', () => {
      this.reconnecting = true;
      this.touch();
      this.emit('mediaReconnecting');
    });
    session.on('reconnected', () => {
      this.reconnecting = false;
      this.touch();
      this.emit('mediaReconnected');
    });
    // A consultation's media ending (its room deleted on complete or cancel) is not the call's:
    // the server's events say what happens next.
    session.on('failed', (err) => (consult ? this.emit('error', err) : this.mediaFailed(err)));
    this.video.watch(session); // video
    session.on('replaced', () => this.finish('disconnected'));
    forwardEvents(session, this, ['error']);
    forwardEvents(session, this, ['qualityChanged', 'audioBlockedChanged'], () => this.touch());
    session.on('remoteStream', (stream) => {
      this.touch();
      this.recorder.setRemote(stream);
    });
    session.on('audioLevel', (level) => {
      this.level = level;
      this.emit('audioLevel', level);
      const speaking = level > SPEAKING_THRESHOLD;
      if (speaking !== this.isSpeaking) {
        this.isSpeaking = speaking;
        this.touch();
      }
    });
    for (const signal of this.pendingSignals.splice(0)) session.handleSignal(signal);
    try {
      await session.start();
      if (this.outputDeviceId) await session.setOutputDevice(this.outputDeviceId);
    } catch (err) {
      this.mediaFailed(toSynapseError(err, 'media-failed'));
    }
  }

  /**
   * A P2P call records in the browser of its `uploader` (the server is not in the media path):
   * the recorder runs while this user is that party, the recording is on and media is up.
   */
  private syncRecorder(): void {
    const r = this.recording;
    const run =
      r?.status === 'recording' &&
      r.uploader === this.deps.selfId() &&
      this.session?.kind === 'p2p' &&
      this.currentState === 'active';
    this.recorder.sync(run, this.session);
  }

  private async recordingRequest(event: 'start-recording' | 'stop-recording'): Promise<void> {
    const { recording } = await this.deps.signaling.request(event, { callId: this.id });
    this.handleRecording(recording);
  }

  /**
   * Media could not start or recover: say so and hang up (a call without audio is useless),
   * telling the server why, so that both sides and the call log agree: `failed` when it never
   * connected, `disconnected` when it dropped and did not come back.
   */
  private mediaFailed(err: SynapseError): void {
    if (this.currentState === 'ended') return;
    const reason = this.currentState === 'active' ? 'disconnected' : 'failed';
    this.emit('error', err);
    this.deps.signaling
      .request('end-call', { callId: this.id, reason })
      .then(({ call }) => this.handleCallInfo(call))
      .catch(() => this.finish(reason));
  }

  /**
   * The call's state for this user: a transfer ringing them rings, whatever the call does; a
   * warm transfer's consultation is their active call.
   */
  private serverState(data: CallInfo): CallInfo['state'] {
    const self = this.deps.selfId();
    const party = data.from.id === self || data.to.id === self;
    if (party || data.transfer?.to.id !== self || data.state !== 'active') return data.state;
    return data.transfer.state === 'consulting' ? 'active' : 'ringing';
  }

  /** Whether this user is the target of the call's warm transfer, consulting now. */
  private isConsultTarget(): boolean {
    // The server never makes a party of the call the target of its transfer.
    const { transfer } = this.serverInfo;
    return transfer?.state === 'consulting' && transfer.to.id === this.deps.selfId();
  }

  /**
   * The other party: the one who is not this user; for the target of a transfer, whoever the
   * transferring agent talks to while it rings, and that agent during a consultation.
   */
  private peerOf(data: CallInfo): Party {
    const self = this.deps.selfId();
    if (data.from.id === self) return data.to;
    if (data.to.id === self) return data.from;
    if (data.transfer?.state === 'consulting' && data.transfer.to.id === self) {
      return data.transfer.by;
    }
    return data.transfer?.by.id === data.from.id ? data.to : data.from;
  }

  /**
   * A party of the call sends silence on it while a warm transfer's consultation holds it (the
   * other party hears nothing of the agents' talk; LiveKit's server also cuts the room); the
   * agent's consultation ends with it.
   */
  private syncHold(): void {
    this.session?.setMuted(this.isMuted || this.onHold);
    if (!this.onHold) this.closeConsult();
  }

  private closeConsult(): void {
    if (this.consultLink && !Array.isArray(this.consultLink)) this.consultLink.close();
    this.consultLink = null;
  }

  private setMuted(muted: boolean): void {
    if (muted === this.isMuted) return;
    this.isMuted = muted;
    this.session?.setMuted(muted || this.onHold);
    this.touch();
    this.emit('mutedChanged', muted);
  }

  private setState(state: ClientCallState): void {
    const previous = this.currentState;
    if (state === previous) return;
    this.currentState = state;
    this.touch();
    this.emit('stateChanged', state, previous);
  }

  private setQueue(queue: CallQueue | null): void {
    const same =
      queue?.position === this.waiting?.position &&
      queue?.expectedWaitMs === this.waiting?.expectedWaitMs;
    if (same) return;
    this.waiting = queue;
    this.touch();
    this.emit('queueChanged', queue);
  }

  private touch(): void {
    this.cached = null;
    this.owner.changed(this);
  }
}
