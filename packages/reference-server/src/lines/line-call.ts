import type { CallInfo, Party } from '@synapse-calling/protocol';
import type { Actor } from '../calls/actor';
import type { CallRecord } from '../stores/types';

/** The hooks the call manager calls for line calls (calls whose `call.line` is set). */
export interface LineCallHooks {
  /** Whether `userId` is offered this ringing call without being its callee (ring-all). */
  isOffered(record: CallRecord, userId: string): boolean;
  /**
   * An agent accepts: makes them the callee if another offered agent was (ring-all), so the
   * usual accept follows. Throws a `ProtocolFailure` when another agent answered first.
   */
  claimAnswer(record: CallRecord, actor: Actor): Promise<CallRecord>;
  /** An agent declined: the next agent rings. Returns the call as it ended for that agent. */
  declined(record: CallRecord, userId: string): Promise<CallInfo>;
}

/** `{ offered }` for ring-all (several agents at once); nothing for one agent. */
export const offeredIds = (ids: string[]) => (ids.length > 1 ? { offered: ids } : {});
export const offered = (agents: Party[]) => offeredIds(agents.map((a) => a.id));

/** The call as it ended for one agent it stopped ringing for (the call itself goes on). */
export function endedFor(call: CallInfo, agentId: string, why: 'missed' | 'rejected'): CallInfo {
  const ended: CallInfo = { ...call, state: 'ended', endedAt: Date.now(), endReason: why };
  return why === 'rejected' ? { ...ended, endedBy: agentId } : ended;
}
