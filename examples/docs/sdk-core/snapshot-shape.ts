// The snapshot's shape as sdk-core.md shows it, checked against the exported types both ways.
import type {
  CallEndReason,
  CallMetadata,
  CallRecording,
  CallTransfer,
  CallVideoSnapshot,
  CallSnapshot as ExportedCallSnapshot,
  ClientSnapshot as ExportedClientSnapshot,
  ConnectionState,
  Party,
  SynapseError,
  Presence,
  SynapseUser,
} from '@synapse-calling/sdk-core';

// #region shape
interface ClientSnapshot {
  connectionState: ConnectionState;
  connectionError: SynapseError | null; // why it is not connected; null once connected
  user: SynapseUser | null;
  status: 'online' | 'away' | 'dnd'; // own status; 'away' while idle unless dnd was chosen
  presence: Readonly<Record<string, Presence>>; // every watched user
  calls: readonly CallSnapshot[]; // calls not ended
  activeCall: CallSnapshot | null; // the call this client is in or placing
  incomingCalls: readonly CallSnapshot[]; // ringing incoming calls
  lastEndedCall: CallSnapshot | null; // so a UI can say "Call ended: busy"
}
interface CallSnapshot {
  id: string;
  state: 'idle' | 'ringing' | 'connecting' | 'active' | 'ended';
  direction: 'outgoing' | 'incoming';
  peer: Party; // { id, name, role }; on a line call the agent, or the line's stand-in while waiting
  line: string | null; // the line's id on a call to a line (docs/lines.md)
  queue: { position: number; expectedWaitMs: number | null } | null; // while waiting in line
  metadata: CallMetadata | undefined;
  createdAt: number;
  startedAt: number | null; // answered at (ms)
  endedAt: number | null;
  duration: number; // seconds at snapshot time; tick from startedAt for a live clock
  endReason: CallEndReason | undefined;
  muted: boolean;
  quality: 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';
  audioBlocked: boolean;
  speaking: boolean; // remote level above a threshold (the level itself is an event)
  mediaKind: 'livekit' | 'p2p' | null;
  mediaReconnecting: boolean;
  recording: CallRecording | null; // null when nobody asked to record (docs/recording.md)
  transfer: CallTransfer | null; // while an agent transfers the call: { state, mode, by, to, line? }
  onHold: boolean; // a warm transfer's consultation holds the call (docs/lines.md)
  video: CallVideoSnapshot; // { camera, screen, remoteCamera, remoteScreen, remoteMedia, stopped }
}
// #endregion shape

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const snapshotMatches: Same<ClientSnapshot, ExportedClientSnapshot> = true;
export const callMatches: Same<CallSnapshot, ExportedCallSnapshot> = true;
