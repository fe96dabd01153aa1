import type { PresenceManager } from '../presence/presence-manager';
import type { CallRecord, PartySide } from '../stores/types';

/** Which side of the call `userId` is on; `undefined` when they are not a party of it. */
export const sideOf = (record: CallRecord, userId: string): PartySide | undefined =>
  record.call.from.id === userId ? 'caller' : record.call.to.id === userId ? 'callee' : undefined;

export const otherSide = (side: PartySide): PartySide => (side === 'caller' ? 'callee' : 'caller');

/** What the calls need of presence: re-deriving a party's status when their call changed. */
export type PresenceRefresher = Pick<PresenceManager, 'refresh'>;

/** Re-derives both parties' presence after their call changed (busy on/off). */
export async function refreshParties(
  presence: PresenceRefresher,
  record: CallRecord,
): Promise<void> {
  await Promise.all([
    presence.refresh(record.tenant, record.call.from.id),
    presence.refresh(record.tenant, record.call.to.id),
  ]);
}
