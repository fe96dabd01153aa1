import type { CallState, EndReason } from '@synapse-calling/protocol';
import type { CallRecord, CallRegistry, PartySide } from '../stores/types';

/** What the recovery pass needs: the registry and the one way calls end. */
export interface OverdueDeps {
  registry: CallRegistry;
  endIfStill(callId: string, state: CallState, reason: EndReason, endedBy?: string): Promise<void>;
  ringTimeoutMs: number;
  /**
   * How long past its ring timeout a call may still ring: a full heartbeat TTL, so that a caller
   * whose node died has time to sync from another node and hear the call end there.
   */
  ringSlackMs: number;
}

/** One call to end: what its timer would have done. */
interface Overdue {
  state: CallState;
  reason: EndReason;
  endedBy?: string;
}

/**
 * The recovery pass every node runs at each heartbeat: ends the calls whose timer is overdue by
 * more than `slackMs`. A timer lives on one node; when that node dies, its deadline, stored with
 * the call, is still due, and whichever node comes here first ends the call as the timer would
 * have. Each end is a compare-and-set from the state read, so a timer that fires late on a live
 * node, or two nodes passing at once, end a call once; a node that dies mid-pass leaves the rest
 * to the next pass. The slack lets the timer's own node go first, and covers clock skew between
 * nodes.
 */
export async function endOverdueCalls(
  deps: OverdueDeps,
  slackMs: number,
  now = Date.now(),
): Promise<void> {
  for (const record of await deps.registry.all()) {
    const due = overdue(record, now - slackMs, now - deps.ringSlackMs - deps.ringTimeoutMs);
    if (!due) continue;
    await deps.endIfStill(record.call.id, due.state, due.reason, due.endedBy);
  }
}

function overdue(record: CallRecord, before: number, createdBefore: number): Overdue | undefined {
  const { call, sockets, deadlines } = record;
  // Line calls ring agent after agent for up to their line's wait limit; the line sweep ends them.
  if (call.state === 'ringing' && !record.line && call.createdAt < createdBefore) {
    return { state: 'ringing', reason: 'missed' };
  }
  for (const side of ['caller', 'callee'] as const) {
    const userId = partyId(record, side);
    const grace = deadlines?.grace?.[side];
    // A party that came back carries the call again (and its deadline went with the claim).
    if (grace !== undefined && grace < before && sockets[side] === null) {
      const reason = call.state === 'ringing' ? 'cancelled' : 'disconnected';
      return { state: call.state, reason, endedBy: userId };
    }
    const room = deadlines?.room?.[side];
    if (room !== undefined && room < before && call.state === 'active') {
      return { state: 'active', reason: 'disconnected', endedBy: userId };
    }
  }
  return undefined;
}

function partyId(record: CallRecord, side: PartySide): string {
  return side === 'caller' ? record.call.from.id : record.call.to.id;
}
