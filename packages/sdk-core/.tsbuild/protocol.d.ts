/**
 * Synapse Calling wire protocol v1 — the one definition that the client (sdk-core) and the
 * reference server both compile against. Other clients (the planned Android app, third parties)
 * implement it from `docs/protocol.md`. Additions are fine; renaming or removing an event, a
 * field or a code is a breaking change.
 *
 * This module has no runtime dependencies so that it can be imported anywhere (browser, Node,
 * SSR) without pulling in socket.io-client or livekit-client.
 */
/** Protocol version; sent by clients in the handshake `auth.protocol` and checked by servers. */
export declare const PROTOCOL_VERSION = 1;
/** Socket.IO namespace every client connects to. */
export declare const CALL_NAMESPACE = "/call";
export declare const ROLES: readonly ["agent", "customer"];
/** What a user is in their tenant; the default policy lets agents call anyone, customers agents. */
export type Role = (typeof ROLES)[number];
export declare const CALL_STATES: readonly ["ringing", "active", "ended"];
/** Server-side call state. Clients add `idle` and `connecting` locally. */
export type CallState = (typeof CALL_STATES)[number];
export declare const END_REASONS: readonly ["completed", "cancelled", "rejected", "busy", "missed", "failed", "disconnected"];
/** Why a call ended. */
export type EndReason = (typeof END_REASONS)[number];
export declare const PRESENCE_STATUSES: readonly ["online", "away", "busy", "dnd", "offline"];
/** A user's presence as others see it. `busy` is set by the server while the user is in a call. */
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];
export declare const SETTABLE_STATUSES: readonly ["online", "away", "dnd"];
/** The statuses a client may ask for with `set-status`. */
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];
export declare const ERROR_CODES: readonly ["unauthorized", "token-expired", "forbidden", "not-found", "invalid-state", "invalid-payload", "rate-limited", "busy", "offline", "internal"];
/** Error codes carried in a failed acknowledgement or a `connect_error`'s `data.code`. */
export type ErrorCode = (typeof ERROR_CODES)[number];
/** Limits that both sides agree on; servers may be configured lower, never higher. */
export declare const LIMITS: {
    /** Most user ids in one `subscribe-presence` / `unsubscribe-presence`. */
    readonly maxPresenceIds: 500;
    /** Most bytes of JSON-serialised call `metadata`. */
    readonly maxMetadataBytes: 2048;
    /** Largest Socket.IO frame the server accepts. */
    readonly maxFrameBytes: number;
    /** Longest user id, tenant id or call id. */
    readonly maxIdLength: 128;
    /** Largest JSON-serialised `media-signal` payload. */
    readonly maxSignalBytes: number;
    /** Longest free-text `reason` on `reject-call`. */
    readonly maxReasonLength: 200;
};
/** One party of a call, as the server knows it from the verified token. */
export interface Party {
    id: string;
    name: string;
    role: Role;
}
/** Arbitrary JSON the caller attaches to a call (a CRM record id, a subject line). ≤ 2 KB. */
export type CallMetadata = Record<string, unknown>;
/** A call as the server reports it. Timestamps are milliseconds since the epoch. */
export interface Call {
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
}
/** What a user looks like to their subscribers. */
export interface Presence {
    userId: string;
    status: PresenceStatus;
    /** Milliseconds since the epoch; the last moment any connection of the user was alive. */
    lastSeen: number | null;
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
    iceServers: IceServer[];
    polite: boolean;
}
export type Media = LiveKitMedia | P2PMedia;
/** A P2P signalling message relayed verbatim between the two parties of an active call. */
export type MediaSignal = {
    type: 'description';
    description: {
        type: 'offer' | 'answer' | 'rollback' | 'pranswer';
        sdp?: string;
    };
} | {
    type: 'candidate';
    candidate: {
        candidate: string;
        sdpMid?: string | null;
        sdpMLineIndex?: number | null;
        usernameFragment?: string | null;
    } | null;
} | {
    type: 'hangup-media';
};
/** The error half of every acknowledgement. */
export interface ProtocolError {
    code: ErrorCode;
    message: string;
}
/** Every acknowledgement is `{ ok: true, …result }` or `{ ok: false, error }`. */
export type Ack<T extends object = Record<never, never>> = ({
    ok: true;
} & T) | {
    ok: false;
    error: ProtocolError;
};
export interface InitiateCallPayload {
    /** Callee user id (same tenant). */
    to: string;
    metadata?: CallMetadata;
}
export interface CallIdPayload {
    callId: string;
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
}
export interface CallResult {
    call: Call;
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
    call: Call;
    media: Media;
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
    call: Call;
    /** Present for an active call this user is a party of, so the client can rejoin media. */
    media?: Media;
}
type AckFn<T extends object = Record<never, never>> = (ack: Ack<T>) => void;
/** Events a client emits; every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
    'initiate-call': (payload: InitiateCallPayload, ack: AckFn<InitiateCallResult>) => void;
    'accept-call': (payload: CallIdPayload, ack: AckFn<AcceptResult>) => void;
    'reject-call': (payload: RejectCallPayload, ack: AckFn<CallResult>) => void;
    'end-call': (payload: CallIdPayload, ack: AckFn<CallResult>) => void;
    'set-status': (payload: SetStatusPayload, ack: AckFn<PresenceResult>) => void;
    'subscribe-presence': (payload: PresenceIdsPayload, ack: AckFn<PresenceListResult>) => void;
    'unsubscribe-presence': (payload: PresenceIdsPayload, ack: AckFn) => void;
    heartbeat: (payload: HeartbeatPayload, ack: AckFn) => void;
    sync: (payload: Record<string, never>, ack: AckFn<SyncResult>) => void;
    'media-signal': (payload: MediaSignalPayload, ack: AckFn) => void;
}
/** Events the server emits to clients. */
export interface ServerToClientEvents {
    'incoming-call': (payload: {
        call: Call;
    }) => void;
    'call-accepted': (payload: {
        call: Call;
        media: Media;
    }) => void;
    'call-rejected': (payload: {
        call: Call;
    }) => void;
    'call-ended': (payload: {
        call: Call;
    }) => void;
    'call-answered-elsewhere': (payload: {
        call: Call;
    }) => void;
    'presence-changed': (payload: {
        presence: Presence;
    }) => void;
    'media-signal': (payload: {
        callId: string;
        signal: MediaSignal;
    }) => void;
}
export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;
/** The claims a host app puts into the JWT it signs for a user. */
export interface SynapseTokenClaims {
    /** User id, unique within the tenant. */
    sub: string;
    tenant: string;
    name?: string;
    role: Role;
    /** Expiry, seconds since the epoch. Required. */
    exp: number;
}
/** `connect_error` data when the server refuses the handshake. */
export interface HandshakeErrorData {
    code: Extract<ErrorCode, 'unauthorized' | 'token-expired' | 'forbidden' | 'rate-limited'>;
    message: string;
}
/** `POST /api/livekit/token {callId}` → this. */
export interface LiveKitTokenResponse {
    url: string;
    token: string;
    room: string;
}
/** `GET /api/calls?limit&cursor` → this; newest first, calls in progress included. */
export interface CallListResponse {
    calls: Call[];
    nextCursor: string | null;
}
/** `GET /api/presence?userIds=a,b` → this. */
export interface PresenceListResponse {
    presence: Presence[];
}
/** A REST error body: `{ error: { code, message } }` with a matching HTTP status. */
export interface RestErrorBody {
    error: ProtocolError;
}
export declare function isErrorCode(value: unknown): value is ErrorCode;
export {};
