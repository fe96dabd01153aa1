// The call event as server.md shows it, checked against the exported type both ways.
import type { CallEvent as ExportedCallEvent } from '@synapse-calling/reference-server';
import type { CallInfo as Call } from '@synapse-calling/protocol';

// #region shape
interface CallEvent {
  id: string; // unique per event: de-duplicate on it
  type: 'call.ringing' | 'call.accepted' | 'call.transferred' | 'call.ended' | 'recording.ready';
  call: Call; // as on the wire (protocol.md), including endReason / endedBy when ended
  tenant: string;
  at: number; // ms since the epoch
}
// #endregion shape

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const eventMatches: Same<CallEvent, ExportedCallEvent> = true;
