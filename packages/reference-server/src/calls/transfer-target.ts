import type { Party, TransferCallPayload } from '@synapse-calling/protocol';
import { fail } from '../errors';
import type { AgentPicker } from '../lines/agent-picker';
import type { LineStore } from '../lines/line-store';
import type { PresenceManager } from '../presence/presence-manager';
import type { Visibility } from '../presence/visibility';
import type { CallRecord } from '../stores/types';

export interface TransferTargetDeps {
  visibility: Pick<Visibility, 'lookup'>;
  presence: Pick<PresenceManager, 'current'>;
  lines?: { store: Pick<LineStore, 'get'>; picker: Pick<AgentPicker, 'available'> } | undefined;
}

/** Who a transfer rings: the agent named, or an available agent of the line named. */
export async function transferTarget(
  deps: TransferTargetDeps,
  record: CallRecord,
  parties: string[],
  payload: TransferCallPayload,
): Promise<{ target: Party; line?: string }> {
  const { tenant } = record;
  if (payload.toLine !== undefined) {
    const line = deps.lines && (await deps.lines.store.get(tenant, payload.toLine));
    // Lines of other tenants are not found: the same answer as an unknown line.
    if (!deps.lines || !line) throw fail.notFound('line');
    const [first] = await deps.lines.picker.available(tenant, line, parties);
    if (!first) throw fail.busy(`no agent of ${line.name} is available`);
    return { target: first, line: line.id };
  }
  const to = payload.to as string;
  if (parties.includes(to)) throw fail.invalidPayload('transfer the call to someone not in it');
  // Users of other tenants are unknown here: the same answer as an id nobody has.
  const known = await deps.visibility.lookup(tenant, to);
  if (!known) throw fail.notFound('agent');
  if (known.party.role !== 'agent') throw fail.invalidPayload('calls are transferred to agents');
  const { status } = await deps.presence.current(tenant, to);
  if (status === 'offline') throw fail.offline(`${known.party.name} is not connected`);
  if (status === 'busy' || status === 'dnd') {
    throw fail.busy(`${known.party.name} is busy`);
  }
  return { target: known.party };
}
