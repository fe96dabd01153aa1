import type {
  CallInfo,
  CallRecording,
  CallState,
  MediaKind,
  PartyMedia,
  PresenceStatus,
  Role,
} from '@synapse-calling/protocol';

/**
 * Storage seams. Every method returns a Promise even where the embedded implementation is
 * synchronous, so that a Redis implementation (many server nodes acting as one) fits without
 * changing the managers that use them.
 */

/** Which side of a call a user is on. */
export type PartySide = 'caller' | 'callee';

/** A call as the server keeps it: the wire view plus what only the server needs. */
export interface CallRecord {
  call: CallInfo;
  tenant: string;
  media: MediaKind;
  /** LiveKit room name; decided by the server, tenant-prefixed; absent for P2P calls. */
  room?: string | undefined;
  /**
   * The socket id that carries the call for each party (the one that initiated / accepted it);
   * `null` while that party is disconnected and inside the reconnect grace window.
   */
  sockets: Record<PartySide, string | null>;
  /** A call to a line (docs/lines.md): who was rung already, so no node rings them twice. */
  line?: LineLeg | undefined;
  /**
   * When the timers running for this call on some node are due (epoch ms), so that any node can
   * act on them if that node dies first. The ring deadline needs no entry: it is the call's
   * `createdAt` plus the ring timeout every node shares.
   */
  deadlines?: CallDeadlines | undefined;
  /**
   * What each party last said it sends (`media-changed`), given back on `sync` so a client that
   * reloads knows the other party shares a screen, and that its own video stopped.
   */
  sent?: Partial<Record<PartySide, PartyMedia>> | undefined;
  /**
   * A warm transfer's consultation: the target's connection that carries it (its P2P
   * `media-signal`s go to and from there; the completed transfer's media goes there).
   */
  consultSocket?: string | undefined;
  /** A transfer to a line: the agents it rang already (each is rung once, like a line call). */
  transferTried?: string[] | undefined;
}

/** Due times of a call's per-party timers (see `CallRecord.deadlines`). */
export interface CallDeadlines {
  /** The reconnect grace of a party whose connection dropped (`sockets[side]` is null). */
  grace?: Partial<Record<PartySide, number>>;
  /** The grace of a party that left the LiveKit room and has not rejoined. */
  room?: Partial<Record<PartySide, number>>;
}

/** Server-side state of a line call while it looks for an agent. */
export interface LineLeg {
  /** User ids of the agents rung (or offered the call) so far, in order. */
  tried: string[];
  /** Ring-all: the agents offered the call now, any of whom may accept it. */
  offered?: string[] | undefined;
}

/** What `CallRegistry.reassignCallee` did. */
export type ReassignResult =
  | { ok: true; record: CallRecord }
  /** The call is gone, no longer ringing, or no longer rings `expectedCallee`. */
  | { ok: false; reason: 'moved' }
  /** The new callee already has an unfinished call. */
  | { ok: false; reason: 'busy' };

/** Unfinished calls by state. */
export type CallCounts = Record<Exclude<CallState, 'ended'>, number>;

/** Why `CallRegistry.create` refused: a party already has an unfinished call. */
export type CreateResult = { ok: true } | { ok: false; conflict: CallRecord };

/** Unfinished (ringing or active) calls. Ended calls leave the registry and live in the CallLog. */
export interface CallRegistry {
  /**
   * Adds a call unless the caller or the callee already has an unfinished call, atomically (the
   * check and the insert cannot interleave with another create). Busy and glare rest on this.
   */
  create(record: CallRecord): Promise<CreateResult>;
  get(callId: string): Promise<CallRecord | undefined>;
  /**
   * Compare-and-set: replaces the record only if its current state is `expected`. Returns the
   * stored record on success, `undefined` when the state had already moved on (or the call is
   * gone). Leaving the `ended` state removes the call from the registry.
   */
  transition(
    callId: string,
    expected: CallState,
    update: (current: CallRecord) => CallRecord,
  ): Promise<CallRecord | undefined>;
  /**
   * Compare-and-set of the connection carrying the call for one party (`null`: none, the party
   * is reconnecting): sets it to `socketId` only if it is still `expected`. Returns the stored
   * record when it was set, `undefined` when another writer got there first (or the call is
   * gone). Of two connections taking a call over at once, on any nodes, exactly one succeeds.
   * Releasing (`socketId` null) with `graceUntil` stores that deadline in `deadlines.grace` in the
   * same write; setting a connection removes it.
   */
  claimSocket(
    callId: string,
    side: PartySide,
    expected: string | null,
    socketId: string | null,
    graceUntil?: number,
  ): Promise<CallRecord | undefined>;
  /**
   * Line calls: gives a ringing call a new callee, atomically, if it still rings
   * `expectedCallee` and the new callee (`update(current).call.to`) has no unfinished call. The
   * old callee's index is released in the same step, so a call never books two agents, and two
   * calls never book one (on any number of nodes). Optional: lines need it.
   */
  reassignCallee?(
    callId: string,
    expectedCallee: string,
    update: (current: CallRecord) => CallRecord,
  ): Promise<ReassignResult>;
  /**
   * Transfers: replaces the record by a compare-and-set (`update` returning undefined: no change,
   * `moved`) while booking `book` for this call (refused `busy` when that user has another
   * unfinished call) and releasing `release` (if booked for this call), in one atomic step, so
   * a transfer target is never booked for two calls on any number of nodes. A booked user who is
   * not (yet) a party of the call is the target of its transfer. Optional: transfers need it.
   */
  rebook?(
    callId: string,
    users: { book?: string | undefined; release?: string | undefined },
    update: (current: CallRecord) => CallRecord | undefined,
  ): Promise<ReassignResult>;
  /** Unfinished calls the user is a party of (at most one under the one-call-per-user rule). */
  forUser(tenant: string, userId: string): Promise<CallRecord[]>;
  /** Every unfinished call (shutdown, restart). */
  all(): Promise<CallRecord[]>;
  /**
   * How many unfinished calls are in each state (metrics). Optional: without it, metrics count
   * the records of `all()`; a registry shared by many nodes should count without reading them.
   */
  counts?(): Promise<CallCounts>;
}

/** One live Socket.IO connection of a user. Presence is derived from these entries. */
export interface ConnectionEntry {
  socketId: string;
  tenant: string;
  userId: string;
  name: string;
  role: Role;
  idle: boolean;
  connectedAt: number;
}

/** A status a user chose explicitly; `null` means "derive it from activity". */
export type ManualStatus = 'away' | 'dnd' | null;

/** What the server remembers about a user beyond their connections (durable). */
export interface UserRecord {
  tenant: string;
  userId: string;
  name: string;
  role: Role;
  /** Last moment any connection of the user was alive; `null` if never seen. */
  lastSeen: number | null;
}

/** Live connections (volatile) and the user directory with lastSeen (durable). */
export interface PresenceStore {
  addConnection(entry: ConnectionEntry): Promise<void>;
  /** Removes the entry and returns how many connections the user still has. */
  removeConnection(tenant: string, userId: string, socketId: string): Promise<number>;
  connections(tenant: string, userId: string): Promise<ConnectionEntry[]>;
  setIdle(tenant: string, userId: string, socketId: string, idle: boolean): Promise<void>;
  getManualStatus(tenant: string, userId: string): Promise<ManualStatus>;
  setManualStatus(tenant: string, userId: string, status: ManualStatus): Promise<void>;
  getUser(tenant: string, userId: string): Promise<UserRecord | undefined>;
  /** Creates or updates the durable user record (name, role, lastSeen). */
  saveUser(user: UserRecord): Promise<void>;
  /**
   * Sets `lastSeen` of users who are online right now, in one batch (run every maintenance
   * interval, so that after a crash lastSeen is close to the crash). Optional: without it the
   * server saves each user through `getUser` + `saveUser`.
   */
  touchLastSeen?(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void>;
}

/** The durable half of a `PresenceStore`: who the users are and when they were last seen. */
export type UserDirectory = Required<Pick<PresenceStore, 'getUser' | 'saveUser' | 'touchLastSeen'>>;

/** The volatile half of a `PresenceStore`: live connections and chosen statuses. */
export type ConnectionStore = Omit<PresenceStore, keyof UserDirectory>;

/**
 * What every node must agree on about presence beyond the connection entries: the status each
 * user's subscribers were last shown (so a diff computed on any node is compared with what they
 * really saw) and the offline grace windows. In Redis with several nodes
 * (`RedisPresenceStore`); in process memory on one (`MemoryPresenceState`).
 */
export interface SharedPresenceState {
  /** Stores the status now shown to subscribers and returns the one shown before. */
  swapShown(tenant: string, userId: string, status: PresenceStatus): Promise<PresenceStatus>;
  /** The status subscribers see now (`offline` when none). */
  shown(tenant: string, userId: string): Promise<PresenceStatus>;
  /** Marks the user inside the offline grace window since `since`, for `ttlMs`. */
  setGrace(tenant: string, userId: string, since: number, ttlMs: number): Promise<void>;
  clearGrace(tenant: string, userId: string): Promise<void>;
  graceSince(tenant: string, userId: string): Promise<number | null>;
  /**
   * Grace windows that have run out, each leased to one caller at a time (until `clearGrace`,
   * or until the lease runs out if that caller dies first). They are normally ended by a timer on
   * the node that saw the disconnect; this catches those whose node stopped.
   */
  claimDueGraces(now: number): Promise<Array<{ tenant: string; userId: string }>>;
}

/** One row of the durable call log: the call plus bookkeeping the host may want. */
export interface CallLogEntry {
  tenant: string;
  call: CallInfo;
  media: MediaKind;
  room?: string | undefined;
  /** Milliseconds between answer and end; 0 for calls never answered; null while in progress. */
  durationMs: number | null;
}

export interface CallLogPage {
  entries: CallLogEntry[];
  nextCursor: string | null;
}

/** Durable history of every call, written at each transition. */
export interface CallLog {
  /** Inserts or updates the row for `entry.call.id`; a row already `ended` must stay as it is. */
  write(entry: CallLogEntry): Promise<void>;
  get(callId: string): Promise<CallLogEntry | undefined>;
  /** The user's calls in the tenant, newest first; `cursor` is opaque (from a previous page). */
  listForUser(
    tenant: string,
    userId: string,
    page: { limit: number; cursor?: string },
  ): Promise<CallLogPage>;
  /** Calls that were not ended when the process stopped, for recovery on start. */
  listUnfinished(): Promise<CallLogEntry[]>;
  /**
   * Deletes ended calls that ended before `endedBefore` (ms since the epoch) and returns how
   * many. Optional: the server applies `callLogRetentionDays` only to call logs that have it.
   */
  prune?(endedBefore: number): Promise<number>;
}

/** Thrown by `listForUser` for a cursor it did not produce. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** One browser registered for Web Push by a signed-in user: where their incoming calls ring. */
export interface PushSubscriptionRecord {
  tenant: string;
  userId: string;
  /** The push service URL; unique per browser and service worker registration. */
  endpoint: string;
  /** The browser's P-256 public key and auth secret (base64url), for RFC 8291 encryption. */
  keys: { p256dh: string; auth: string };
  /** The Synapse server's base URL as the page reached it (the worker declines calls there). */
  serverUrl: string;
  /** The page a notification's Accept opens; null: the worker's scope. */
  openUrl: string | null;
  lang: string | null;
  /** Milliseconds since the epoch of the latest registration. */
  createdAt: number;
}

/**
 * Web Push subscriptions, per tenant and user. A row belongs to exactly one user: registering or
 * removing an endpoint only ever touches the caller's own row, so one browser shared by two users
 * holds two rows and neither user can drop the other's.
 */
export interface PushSubscriptionStore {
  /**
   * Inserts or refreshes the user's row for `record.endpoint`; beyond `maxPerUser` rows the
   * user's oldest are dropped (old devices fade out instead of blocking a new one).
   */
  save(record: PushSubscriptionRecord, maxPerUser: number): Promise<void>;
  /** Removes the user's row for `endpoint`; false when there was none. */
  remove(tenant: string, userId: string, endpoint: string): Promise<boolean>;
  /** The user's rows, newest first. */
  forUser(tenant: string, userId: string): Promise<PushSubscriptionRecord[]>;
  /** Whether the user has any row (cheaper than `forUser`; presence asks it often). */
  hasAny(tenant: string, userId: string): Promise<boolean>;
}

/** Where a call's recording objects live: one folder (or key prefix) per call, in its tenant. */
export interface RecordingKey {
  tenant: string;
  callId: string;
}

/**
 * The files of recordings. Objects are named by the server only (`recording.ogg`, chunk names),
 * under a call of a tenant; never by anything a client sent. The default keeps them in a local
 * directory (`LocalRecordingStore`); an S3-compatible store implements the same methods.
 */
export interface RecordingStore {
  /** Writes a whole object, replacing one of the same name (so writing twice is harmless). */
  put(key: RecordingKey, name: string, data: Uint8Array): Promise<void>;
  /** A writable stream for a large object written as it is made (the LiveKit recorder's file). */
  openWrite(key: RecordingKey, name: string): Promise<NodeJS.WritableStream>;
  /** Bytes `start`..`end` (inclusive) of an object, or all of it. */
  read(
    key: RecordingKey,
    name: string,
    range?: { start: number; end: number },
  ): NodeJS.ReadableStream;
  /** The object's size, or `undefined` when there is none. */
  size(key: RecordingKey, name: string): Promise<number | undefined>;
  /** Names of the call's objects, sorted. */
  list(key: RecordingKey): Promise<string[]>;
  /** Deletes one object (nothing when it is missing). */
  remove(key: RecordingKey, name: string): Promise<void>;
  /** Deletes every object of the call. */
  removeAll(key: RecordingKey): Promise<void>;
}

/** A call's recording as the server keeps it: the wire view plus what access checks need. */
export interface RecordingRow {
  callId: string;
  tenant: string;
  /** The two parties' user ids: only they may download it, even after the call log row is gone. */
  parties: [string, string];
  media: MediaKind;
  recording: CallRecording;
}

/**
 * Recording metadata, in the call log's database (SQLite, or Redis with several nodes). Kept
 * apart from the call log rows because it changes after the call ended (the file is finalised
 * later) and outlives or predeceases them by its own retention.
 */
export interface RecordingIndex {
  /** Inserts or replaces the row of `row.callId`. */
  put(row: RecordingRow): Promise<void>;
  get(callId: string): Promise<RecordingRow | undefined>;
  /** The rows of those of `callIds` that have one. */
  getMany(callIds: string[]): Promise<Map<string, RecordingRow>>;
  /** Rows still `recording` or `consent-pending` (a restart finalises or closes them). */
  listUnfinished(): Promise<RecordingRow[]>;
  /** Up to `limit` finished rows that stopped before `before` (ms), oldest first: retention. */
  listStoppedBefore(before: number, limit: number): Promise<RecordingRow[]>;
  delete(callId: string): Promise<void>;
}
