import type {
  CallMetadata,
  CallRecording,
  CallTransfer,
  EndReason,
  MediaKind,
  Party,
  Presence,
  PresenceStatus,
  Role,
  TransferMode,
} from '@synapse-calling/protocol';
import type { SynapseError } from './errors';
import type { SynapseUser } from './token';
import type { CallVideoSnapshot } from './media/video/types';

/** The client's link to the server. `reconnecting` means it was connected and is trying again. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/**
 * A call's state on this client: `idle` before the server has it, `ringing` until answered,
 * `connecting` while media is being set up, `active` while audio can flow, then `ended`.
 */
export type ClientCallState = 'idle' | 'ringing' | 'connecting' | 'active' | 'ended';

export type CallDirection = 'outgoing' | 'incoming';

/** Why a call ended on this client; `answered-elsewhere` is another tab/device of this user. */
export type CallEndReason = EndReason | 'answered-elsewhere';

/** Link quality as the media layer reports it. */
export type CallQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

/** This user's own status: what they chose, or `away` while idle/hidden (auto-away). */
export type OwnStatus = 'online' | 'away' | 'dnd';

/**
 * A call to a line waiting for an agent: its place (1 = the next call an agent gets) and the
 * server's estimate of the wait (null while the line has no recent answers to go by).
 */
export interface CallQueue {
  position: number;
  expectedWaitMs: number | null;
}

/** Whom `call.transfer()` hands the call to: an agent of the tenant, or one of a line. */
export type TransferTarget = { to: string } | { toLine: string };

/** How `call.transfer()` hands the call over. */
export interface TransferOptions {
  /**
   * `blind`: the target's answer completes it. `warm`: this user first talks with the target
   * while the other party is on hold, then completes or cancels it.
   * @default 'blind'
   */
  mode?: TransferMode;
}

/** A plain, serialisable picture of a call; what the snapshot store holds. */
export interface CallSnapshot {
  id: string;
  state: ClientCallState;
  direction: CallDirection;
  /** On a call to a line: the agent, or the line's stand-in while waiting (`Call.peer`). */
  peer: Party;
  /** The line's id on a call to a line, else null. */
  line: string | null;
  /** While a call to a line waits for an agent: its place in line; else null. */
  queue: CallQueue | null;
  metadata: CallMetadata | undefined;
  /** When the server created the call (ms since the epoch). */
  createdAt: number;
  /** When the call became active (ms), or null. */
  startedAt: number | null;
  /** When the call ended (ms), or null. */
  endedAt: number | null;
  /** Seconds active at the time the snapshot was taken; UIs tick from `startedAt` themselves. */
  duration: number;
  endReason: CallEndReason | undefined;
  muted: boolean;
  quality: CallQuality;
  audioBlocked: boolean;
  /** True while the remote level is above the speaking threshold (changes rarely, unlike the level). */
  speaking: boolean;
  mediaKind: MediaKind | null;
  /** True while media is reconnecting (network blip). */
  mediaReconnecting: boolean;
  /** The call's recording, or null when nobody asked to record it. */
  recording: CallRecording | null;
  /**
   * While an agent transfers the call: to whom (`transfer.to`), by whom (`transfer.by`); else
   * null. The customer's UI says "Transferring you to Bob…"; the target's "Transfer from Alice".
   */
  transfer: CallTransfer | null;
  /**
   * A warm transfer's consultation holds the call: the customer's panel says "On hold — Alice is
   * consulting", the agent's "Consulting Bob" (`transfer.to`).
   */
  onHold: boolean;
  /** The call's video: what this user sends and what is received. */
  video: CallVideoSnapshot;
}

/** Everything a UI renders, in one immutable object (new identity only when something changed). */
export interface ClientSnapshot {
  connectionState: ConnectionState;
  /** Why the client is not connected (`client.connectionError`); null once connected. */
  connectionError: SynapseError | null;
  user: SynapseUser | null;
  status: OwnStatus;
  /** Presence of every watched user. */
  presence: Readonly<Record<string, Presence>>;
  /** Calls that have not ended. */
  calls: readonly CallSnapshot[];
  /** The call this client is in or placing (not an incoming one still ringing), or null. */
  activeCall: CallSnapshot | null;
  /** Incoming calls still ringing. */
  incomingCalls: readonly CallSnapshot[];
  /** The most recently ended call, so a UI can say how it ended; null until one ends. */
  lastEndedCall: CallSnapshot | null;
}

export type { Party, Presence, PresenceStatus, Role, SynapseUser };
