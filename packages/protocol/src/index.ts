/**
 * @synapse-calling/protocol — Synapse Calling wire protocol v1, the one definition that the client
 * (sdk-core) and the reference server both compile against. Other clients (the planned Android
 * app, third parties) implement it from `docs/protocol.md`, which describes this file. Additions
 * are fine; renaming or removing an event, a field or a code is a breaking change.
 *
 * This entry has no runtime dependencies, so it can be imported anywhere (browser, Node, SSR).
 * The zod schemas that validate every client→server payload are on the `./schemas` subpath, so
 * that a client bundle never pulls zod in.
 */

import type { QueuePositionPayload } from './lines';
import type { CallLeg, CallTransfer, TransferCallPayload } from './transfer';

/** Protocol version; sent by clients in the handshake `auth.protocol` and checked by servers. */
export const PROTOCOL_VERSION = 1;

/** Socket.IO namespace every client connects to. */
export const CALL_NAMESPACE = '/call';

export const ROLES = ['agent', 'customer'] as const;
/** What a user is in their tenant; the default policy lets agents call anyone, customers agents. */
export type Role = (typeof ROLES)[number];

export const CALL_STATES = ['ringing', 'active', 'ended'] as const;
/** Server-side call state. Clients add `idle` and `connecting` locally. */
export type CallState = (typeof CALL_STATES)[number];

export const END_REASONS = [
  'completed',
  'cancelled',
  'rejected',
  'busy',
  'missed',
  'failed',
  'disconnected',
  'abandoned',
] as const;
/** Why a call ended. `abandoned`: the caller hung up a line call before an agent answered. */
export type EndReason = (typeof END_REASONS)[number];

export const PRESENCE_STATUSES = ['online', 'away', 'busy', 'dnd', 'offline'] as const;
/** A user's presence as others see it. `busy` is set by the server while the user is in a call. */
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export const SETTABLE_STATUSES = ['online', 'away', 'dnd'] as const;
/** The statuses a client may ask for with `set-status`. */
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export const ERROR_CODES = [
  'unauthorized',
  'token-expired',
  'forbidden',
  'not-found',
  'invalid-state',
  'invalid-payload',
  'rate-limited',
  'busy',
  'offline',
  'internal',
  'recording-not-allowed',
  'too-large',
  'too-many-connections',
  'line-closed',
] as const;
/** Error codes carried in a failed acknowledgement or a `connect_error`'s `data.code`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Limits that both sides agree on; servers may be configured lower, never higher. */
export const LIMITS = {
  /** Most user ids in one `subscribe-presence` / `unsubscribe-presence`. */
  maxPresenceIds: 500,
  /** Most bytes of JSON-serialised call `metadata`. */
  maxMetadataBytes: 2048,
  /** Largest Socket.IO frame the server accepts. */
  maxFrameBytes: 64 * 1024,
  /** Longest user id, tenant id or call id. */
  maxIdLength: 128,
  /** Largest JSON-serialised `media-signal` payload. */
  maxSignalBytes: 16 * 1024,
  /** Longest free-text `reason` on `reject-call`. */
  maxReasonLength: 200,
  /** Largest chunk of a browser-made (P2P) recording, one `PUT …/chunks/:seq` body. */
  maxRecordingChunkBytes: 256 * 1024,
} as const;

/** One party of a call, as the server knows it from the verified token. */
export interface Party {
  id: string;
  name: string;
  role: Role;
}

/** Arbitrary JSON the caller attaches to a call (a CRM record id, a subject line). ≤ 2 KB. */
export type CallMetadata = Record<string, unknown>;

/**
 * A call as the server reports it on the wire (events, acks, REST history). Timestamps are
 * milliseconds since the epoch. sdk-core's live `Call` object is built from it.
 */
export interface CallInfo {
  id: string;
  from: Party;
  to: Party;
  state: CallState;
  createdAt: number;
  answeredAt?: number;
  endedAt?: number;
  endReason?: EndReason;
  /** User id of whoever ended the call, when a party did. */
  endedBy?: string;
  metadata?: CallMetadata;
  /** Present once someone asked to record the call: its recording, live and then in the log. */
  recording?: CallRecording;
  /**
   * How the call's media will flow, decided when the call is created, so a client can prepare
   * (load livekit-client) while it rings instead of after accept. The `media` of accept still
   * carries the connection details. Added in protocol v1 without a version bump; older servers
   * never send it, and a call read back from the log may lack it.
   */
  mediaKind?: MediaKind;
  /**
   * Set on a call placed to a line (`initiate-call { toLine }`): the line's id. `to` is then the
   * agent ringing now, and once answered the agent who answered. Added in v1.
   */
  line?: string;
  /**
   * While an agent transfers the call (docs/lines.md, "Transfer"): to whom, and how far it got.
   * Absent otherwise. Added in v1.
   */
  transfer?: CallTransfer;
  /**
   * Once the call was transferred: who talked on the transferred side, and when, in order (the
   * last leg is the party there now). Absent on a call never transferred. Added in v1.
   */
  legs?: CallLeg[];
}

export const RECORDING_STATUSES = [
  'consent-pending',
  'recording',
  'stopped',
  'declined',
  'failed',
] as const;
/**
 * Where a call's recording stands: waiting for the other party's consent, recording, stopped (by
 * a party or by the end of the call), declined by the party asked, or failed (the file, if any,
 * is partial). The call goes on whatever happens to its recording.
 */
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** A call's recording, as both parties and the call log see it. One per call. */
export interface CallRecording {
  status: RecordingStatus;
  /** User id of whoever started it (the caller's, for automatic recording). */
  startedBy: string;
  /** User id of whoever stopped or declined it; absent when the call's end or a failure did. */
  stoppedBy?: string;
  /** While `consent-pending`: user id of the party asked to consent. */
  consentFrom?: string;
  /**
   * P2P calls only: user id of the party whose browser records and uploads the audio (the
   * server is not in the media path). Absent for LiveKit calls, which the server records.
   */
  uploader?: string;
  /** When capture began (ms since the epoch). */
  startedAt?: number;
  /** When capture ended (ms since the epoch). */
  stoppedAt?: number;
  /** The stored file, once finalised (after the recording stopped). */
  file?: RecordingFile;
}

/** A finished recording file: `GET {url}` with the same Bearer token streams it (parties only). */
export interface RecordingFile {
  /** Path of the download, relative to the server: `/api/calls/<id>/recording`. */
  url: string;
  /** `audio/ogg; codecs=opus`. */
  mimeType: string;
  durationMs: number;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
  /** True when audio is missing: the recording failed or the server restarted while it ran. */
  partial: boolean;
}

/** What a user looks like to their subscribers. */
export interface Presence {
  userId: string;
  status: PresenceStatus;
  /** Milliseconds since the epoch; the last moment any connection of the user was alive. */
  lastSeen: number | null;
  /**
   * Present (and `true`) only while the user is `offline` but has browsers registered for Web
   * Push: a call to them is not refused `offline`, it rings those devices.
   */
  pushReachable?: true;
}

/** An ICE server as in `RTCIceServer`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Media through a LiveKit room. `token` is short-lived and scoped to `room`. */
export interface LiveKitMedia {
  kind: 'livekit';
  url: string;
  token: string;
  room: string;
}

/**
 * Direct peer-to-peer WebRTC; offers, answers and candidates travel as `media-signal`.
 * `polite` is decided by the server (the callee is polite) for perfect negotiation.
 */
export interface P2PMedia {
  kind: 'p2p';
  /** STUN/TURN servers; TURN entries carry credentials minted for this user, short-lived. */
  iceServers: IceServer[];
  polite: boolean;
  /**
   * `'relay'`: gather only TURN candidates (`RTCConfiguration.iceTransportPolicy`), so the
   * other party never learns this user's addresses (the server's privacy setting). Absent
   * means `'all'`. Added in protocol v1 without a version bump; older servers never send it.
   */
  iceTransportPolicy?: 'all' | 'relay';
}

export type Media = LiveKitMedia | P2PMedia;

/** How media for a call flows; decided by the server when the call is created, never changed. */
export type MediaKind = Media['kind'];

/** A P2P signalling message relayed verbatim between the two parties of an active call. */
export type MediaSignal =
  | {
      type: 'description';
      description: { type: 'offer' | 'answer' | 'rollback' | 'pranswer'; sdp?: string };
    }
  | {
      type: 'candidate';
      candidate: {
        candidate: string;
        sdpMid?: string | null;
        sdpMLineIndex?: number | null;
        usernameFragment?: string | null;
      } | null;
    }
  | { type: 'hangup-media' }
  /**
   * P2P: the polite side asks the impolite side to make an offer (it never offers once the call
   * is negotiated, so two offers never collide). `addVideo`: how many `recvonly` video lines to
   * add to that offer, for the asker to send a camera or a screen on. Added in v1.
   */
  | { type: 'renegotiate'; addVideo?: number | undefined };

/** The error half of every acknowledgement. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

/** Every acknowledgement is `{ ok: true, …result }` or `{ ok: false, error }`. */
export type Ack<T extends object = Record<never, never>> =
  ({ ok: true } & T) | { ok: false; error: ProtocolError };

// ---------------------------------------------------------------------------------------------
// Client → server payloads and results

/** `initiate-call` to one user. */
export interface DirectCallPayload {
  /** Callee user id (same tenant). */
  to: string;
  metadata?: CallMetadata;
}
/**
 * `initiate-call` to a line (docs/lines.md): the server picks the agent. Added in v1; a line of
 * another tenant answers exactly like an unknown line (`not-found`).
 */
export interface LineCallPayload {
  /** Line id (same tenant). */
  toLine: string;
  metadata?: CallMetadata;
}
export type InitiateCallPayload = DirectCallPayload | LineCallPayload;
export interface CallIdPayload {
  callId: string;
}
export const MEDIA_END_REASONS = ['failed', 'disconnected'] as const;
/** Why a client hangs up an active call because its media gave up (see `EndCallPayload`). */
export type MediaEndReason = (typeof MEDIA_END_REASONS)[number];
export interface EndCallPayload extends CallIdPayload {
  /**
   * Only for an active call whose media gave up: `failed` when it never connected,
   * `disconnected` when it connected and did not come back within the client's reconnect
   * window. The call then ends with this reason instead of `completed`. Ignored for a ringing
   * call; older servers ignore it altogether.
   */
  reason?: MediaEndReason;
}
export interface RejectCallPayload extends CallIdPayload {
  reason?: string;
}
export interface SetStatusPayload {
  status: SettableStatus;
}
export interface PresenceIdsPayload {
  userIds: string[];
}
/** Optional activity report; `idle: true` means this connection's user is idle or the tab hidden. */
export interface HeartbeatPayload {
  idle?: boolean;
}
export interface MediaSignalPayload {
  callId: string;
  signal: MediaSignal;
  /**
   * P2P warm transfer: the signal belongs to the consultation between the transferring agent
   * and the transfer's target (a second peer connection), not to the call's own. Added in v1.
   */
  consult?: boolean;
}
/** The answer of the party asked to consent to a recording (`recording-consent`). */
export interface RecordingConsentPayload {
  callId: string;
  accept: boolean;
}

export const VIDEO_SOURCES = ['camera', 'screen'] as const;
/** A video source a party may send in a call: its camera or a screen share. */
export type VideoSource = (typeof VIDEO_SOURCES)[number];

/**
 * `media-changed` from a client: what this party sends in the call from now on. Sent when the
 * camera or a screen share starts or stops (not on every mute; `audio` is the state at the time).
 * The server refuses with `forbidden` a source its policy does not allow this party, and relays
 * the rest to the other party. Added in protocol v1 without a version bump.
 */
export interface MediaChangePayload {
  callId: string;
  /** The microphone is sent (not muted). */
  audio: boolean;
  /** The camera is sent. */
  video: boolean;
  /** A screen share is sent. */
  screen: boolean;
}

/** `media-changed` from the server: what `from` (user id, the other party) now sends. */
export interface MediaChangedPayload extends MediaChangePayload {
  from: string;
}

export interface CallResult {
  call: CallInfo;
}
/**
 * What `initiate-call` returns. `media` is present only when the initiate resolved glare: the
 * callee was already ringing this user, so the server answered that call instead (the returned
 * `call` is then active and this user is its callee).
 */
export interface InitiateCallResult extends CallResult {
  media?: Media;
}
export interface AcceptResult {
  call: CallInfo;
  media: Media;
}
/** What `start-recording`, `stop-recording` and `recording-consent` return. */
export interface RecordingResult {
  recording: CallRecording;
}
/** `recording-changed`: the call's recording started, stopped, waits for consent, or failed. */
export interface RecordingChangedPayload {
  callId: string;
  /** True while audio is being captured (`state.status === 'recording'`). */
  recording: boolean;
  /** User id of whoever caused the change (for a failure or the call's end: who started it). */
  by: string;
  state: CallRecording;
}
export interface PresenceResult {
  presence: Presence;
}
export interface PresenceListResult {
  presence: Presence[];
}
/** What `sync` returns: the user's unfinished calls (with media for active ones) and presence. */
export interface SyncResult {
  calls: SyncedCall[];
  presence: Presence[];
}
export interface SyncedCall {
  call: CallInfo;
  /** Present for an active call this user is a party of, so the client can rejoin media. */
  media?: Media;
  /**
   * What the other party last said it sends (its last `media-changed`), so a client that
   * reloaded or synced shows its screen share or camera; absent before it said anything.
   * Added in protocol v1 without a version bump.
   */
  peerMedia?: PartyMedia;
  /**
   * What this user last said it sends in the call: a page that reloaded (and so lost its
   * camera or screen share) learns that it was sending video. Added in protocol v1.
   */
  ownMedia?: PartyMedia;
}

/** What a party sends in a call, as its last `media-changed` said. */
export interface PartyMedia {
  /** The microphone is sent (not muted). */
  audio: boolean;
  /** The camera is sent. */
  video: boolean;
  /** A screen share is sent. */
  screen: boolean;
}

type AckFn<T extends object = Record<never, never>> = (ack: Ack<T>) => void;

/** Events a client emits; every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  'initiate-call': (payload: InitiateCallPayload, ack: AckFn<InitiateCallResult>) => void;
  'accept-call': (payload: CallIdPayload, ack: AckFn<AcceptResult>) => void;
  'reject-call': (payload: RejectCallPayload, ack: AckFn<CallResult>) => void;
  'end-call': (payload: EndCallPayload, ack: AckFn<CallResult>) => void;
  'set-status': (payload: SetStatusPayload, ack: AckFn<PresenceResult>) => void;
  'subscribe-presence': (payload: PresenceIdsPayload, ack: AckFn<PresenceListResult>) => void;
  'unsubscribe-presence': (payload: PresenceIdsPayload, ack: AckFn) => void;
  heartbeat: (payload: HeartbeatPayload, ack: AckFn) => void;
  sync: (payload: Record<string, never>, ack: AckFn<SyncResult>) => void;
  'media-signal': (payload: MediaSignalPayload, ack: AckFn) => void;
  'start-recording': (payload: CallIdPayload, ack: AckFn<RecordingResult>) => void;
  'stop-recording': (payload: CallIdPayload, ack: AckFn<RecordingResult>) => void;
  'recording-consent': (payload: RecordingConsentPayload, ack: AckFn<RecordingResult>) => void;
  'media-changed': (payload: MediaChangePayload, ack: AckFn) => void;
  /** An agent hands an active call to another agent or a line (docs/lines.md). Added in v1. */
  'transfer-call': (payload: TransferCallPayload, ack: AckFn<CallResult>) => void;
  /** The transferring agent withdraws a transfer that has not completed. Added in v1. */
  'cancel-transfer': (payload: CallIdPayload, ack: AckFn<CallResult>) => void;
  /**
   * The transferring agent hands a consulted (warm) transfer over: the other party is connected
   * to the target and the agent leaves. Added in v1.
   */
  'complete-transfer': (payload: CallIdPayload, ack: AckFn<CallResult>) => void;
}

/** Events the server emits to clients. */
export interface ServerToClientEvents {
  'incoming-call': (payload: { call: CallInfo }) => void;
  'call-accepted': (payload: { call: CallInfo; media: Media }) => void;
  'call-rejected': (payload: { call: CallInfo }) => void;
  'call-ended': (payload: { call: CallInfo }) => void;
  'call-answered-elsewhere': (payload: { call: CallInfo }) => void;
  'presence-changed': (payload: { presence: Presence }) => void;
  'media-signal': (payload: MediaSignalPayload) => void;
  'recording-changed': (payload: RecordingChangedPayload) => void;
  'media-changed': (payload: MediaChangedPayload) => void;
  /** A line call waits for an agent: the caller's place in the line (docs/lines.md). */
  'queue-position': (payload: QueuePositionPayload) => void;
  /**
   * To both parties: a transfer of their call started or stopped (`call.transfer` present or
   * absent), or a warm transfer's target answered (`call.transfer.state` is `consulting`): the
   * transferring agent's connection then also gets `media`, to reach the target for the
   * consultation (P2P: a second peer connection; LiveKit: a consult room). Added in v1.
   */
  'call-transferring': (payload: { call: CallInfo; media?: Media }) => void;
  /**
   * To the party that stays: the other side is a new party now (`call.to` or `call.from`), with
   * fresh `media` to reach them (P2P: a new peer connection; LiveKit: the same room). A completed
   * warm transfer also sends it to the target's connection, with their media for the call.
   * Added in v1.
   */
  'call-transferred': (payload: { call: CallInfo; media: Media }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of client event `E`. */
export type ClientEventPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
/** The whole acknowledgement of client event `E` (`{ ok: true, … }` or `{ ok: false, error }`). */
export type ClientEventAck<E extends ClientEventName> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0];
/** The success half of client event `E`'s acknowledgement, without `ok`. */
export type ClientEventResult<E extends ClientEventName> = Omit<
  Extract<ClientEventAck<E>, { ok: true }>,
  'ok'
>;
/** The payload of server event `E`. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** The claims a host app puts into the JWT it signs for a user. */
export interface SynapseTokenClaims {
  /** User id, unique within the tenant. */
  sub: string;
  tenant: string;
  name?: string;
  role: Role;
  /** `true`: the user may manage the tenant's lines through the admin API (docs/lines.md). */
  admin?: boolean;
  /** Expiry, seconds since the epoch. Required. */
  exp: number;
}

/** The Socket.IO handshake `auth` payload of namespace `/call`. */
export interface HandshakeAuth {
  token: string;
  /** Protocol version the client speaks (`PROTOCOL_VERSION`); currently ignored. */
  protocol?: number;
  /**
   * The Socket.IO id of this client's previous connection, when this one replaces it after a
   * drop. A network change kills a connection without the server noticing for a while; `sync`
   * on the new connection then takes over the calls the old one carried at once rather than
   * waiting for the server to declare it dead (which also ends those calls). Added in v1.
   */
  replaces?: string;
}

/** `connect_error` data when the server refuses the handshake. */
export interface HandshakeErrorData {
  code: Extract<
    ErrorCode,
    'unauthorized' | 'token-expired' | 'forbidden' | 'rate-limited' | 'too-many-connections'
  >;
  message: string;
}

// REST -----------------------------------------------------------------------------------------

/** `POST /api/livekit/token {callId}` → this. */
export interface LiveKitTokenResponse {
  url: string;
  token: string;
  room: string;
}

/** `GET /api/calls?limit&cursor` → this; newest first, calls in progress included. */
export interface CallListResponse {
  calls: CallInfo[];
  nextCursor: string | null;
}

/** `POST /api/calls/:id/recording/parts` → this: the part the next chunks belong to. */
export interface RecordingPartResponse {
  part: number;
}

/** `PUT /api/calls/:id/recording/parts/:part/chunks/:seq` → this. */
export interface RecordingChunkResponse {
  /** The next sequence number the server expects in this part. */
  next: number;
}

/** `GET /api/presence?userIds=a,b` → this. */
export interface PresenceListResponse {
  presence: Presence[];
}

/**
 * `GET /api/config?origin=…` → this. Not authenticated, and readable from any origin (CORS `*`),
 * so that a page whose origin the server refuses can learn why its connection fails: browsers
 * hide the reason of a refused WebSocket handshake. `originAllowed` is about the request's
 * `Origin` header, or the `origin` query parameter when the browser sent none (same-origin GET).
 */
export interface ServerConfigResponse {
  originAllowed: boolean;
}

/** A REST error body: `{ error: { code, message } }` with a matching HTTP status. */
export interface RestErrorBody {
  error: ProtocolError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

// Web Push (REST types and the push payloads), kept in their own file.
export * from './push';
// Support lines (queues), kept in their own file.
export * from './lines';
// Call transfer, kept in its own file.
export * from './transfer';
