import type { PresenceStatus } from '@synapse-calling/protocol';
import { userKey } from './keys';
import type { SharedPresenceState } from './types';

/** Presence state of one process: every subscriber, connection and grace timer is in it. */
export class MemoryPresenceState implements SharedPresenceState {
  /** Users shown anything but `offline`. */
  private readonly shownStatus = new Map<string, PresenceStatus>();
  /** Users inside the offline grace window, with the moment it began. */
  private readonly graces = new Map<string, number>();

  async swapShown(tenant: string, userId: string, status: PresenceStatus): Promise<PresenceStatus> {
    const key = userKey(tenant, userId);
    const previous = this.shownStatus.get(key) ?? 'offline';
    if (status === 'offline') this.shownStatus.delete(key);
    else this.shownStatus.set(key, status);
    return previous;
  }

  async shown(tenant: string, userId: string): Promise<PresenceStatus> {
    return this.shownStatus.get(userKey(tenant, userId)) ?? 'offline';
  }

  async setGrace(tenant: string, userId: string, since: number): Promise<void> {
    this.graces.set(userKey(tenant, userId), since);
  }

  async clearGrace(tenant: string, userId: string): Promise<void> {
    this.graces.delete(userKey(tenant, userId));
  }

  async graceSince(tenant: string, userId: string): Promise<number | null> {
    return this.graces.get(userKey(tenant, userId)) ?? null;
  }

  /**
   * Always none: every grace window here was opened by this process, whose own timer ends it; a
   * process that stopped took its windows with it.
   */
  async claimDueGraces(): Promise<Array<{ tenant: string; userId: string }>> {
    return [];
  }
}
