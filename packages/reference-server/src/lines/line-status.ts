import type { AgentLineStatus, LineStatus } from '@synapse-calling/protocol';
import { fail } from '../errors';
import type { AgentPicker } from './agent-picker';
import { isOpen, nextOpening } from './business-hours';
import type { LineQueue } from './line-queue';
import type { LineStore } from './line-store';

export interface LineStatusDeps {
  store: LineStore;
  picker: Pick<AgentPicker, 'available'>;
  queue: Pick<LineQueue, 'waiting' | 'expectedWaitMs'>;
}

/**
 * What any user of the tenant may know about a line (`GET /api/lines/:id/status`): whether it is
 * open, how many agents are available and how many calls wait. Counts only, never which agents.
 */
export async function lineStatus(
  deps: LineStatusDeps,
  tenant: string,
  lineId: string,
): Promise<LineStatus> {
  const line = await deps.store.get(tenant, lineId);
  if (!line) throw fail.notFound('line');
  const now = Date.now();
  const open = isOpen(line.businessHours, now);
  const waiting = (await deps.queue.waiting(tenant, line.id)).length;
  const agentsAvailable = open ? (await deps.picker.available(tenant, line)).length : 0;
  const status: LineStatus = { id: line.id, name: line.name, open, agentsAvailable, waiting };
  if (open && agentsAvailable === 0) {
    // A new caller would be next after those waiting.
    status.expectedWaitMs = deps.queue.expectedWaitMs(tenant, line.id, waiting + 1);
  }
  if (!open) {
    if (line.closedMessage) status.closedMessage = line.closedMessage;
    const opensAt = line.businessHours && nextOpening(line.businessHours, now);
    if (opensAt) status.opensAt = opensAt;
  }
  return status;
}

/**
 * What a member agent sees of the line (`GET /api/lines/:id/agent-status`): the status, their
 * own switch and the waiting calls with who called and since when. The caller checks membership.
 */
export async function agentLineStatus(
  deps: LineStatusDeps,
  tenant: string,
  lineId: string,
  userId: string,
): Promise<AgentLineStatus> {
  const [status, waiting, paused] = await Promise.all([
    lineStatus(deps, tenant, lineId),
    deps.queue.waiting(tenant, lineId),
    deps.store.paused(tenant, lineId),
  ]);
  return {
    ...status,
    takingCalls: !paused.has(userId),
    calls: waiting.map(({ call }) => ({
      callId: call.id,
      from: { id: call.from.id, name: call.from.name },
      since: call.createdAt,
    })),
  };
}
