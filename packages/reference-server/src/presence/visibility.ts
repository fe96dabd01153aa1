import type { Logger } from 'pino';
import type { Party } from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import { fail } from '../errors';
import { defaultCanWatch, type CanWatch, type PolicyParty } from '../options';
import type { PresenceStore } from '../stores/types';

/** What the server knows of a user id in a tenant. */
export interface KnownUser {
  party: Party;
  /** Whether the user has a live connection now. */
  online: boolean;
}

/** How a watcher may see one id: as it is, or as an id nobody ever used. */
export type Sight = 'visible' | 'hidden' | 'unknown';

export interface VisibilityDeps {
  store: Pick<PresenceStore, 'connections' | 'getUser'>;
  canWatch: CanWatch;
  logger: Logger;
}

/**
 * Who may learn what about whom inside a tenant. Every answer about another user (presence,
 * `offline` vs `forbidden` for a call) goes through here, so that an id the asker may not see is
 * indistinguishable from one that does not exist.
 */
export class Visibility {
  constructor(private readonly deps: VisibilityDeps) {}

  /** The user as tokens described them (latest connection, else the directory), if ever seen. */
  async lookup(tenant: string, userId: string): Promise<KnownUser | undefined> {
    const conns = await this.deps.store.connections(tenant, userId);
    const latest = conns.sort((a, b) => b.connectedAt - a.connectedAt)[0];
    if (latest)
      return { party: { id: userId, name: latest.name, role: latest.role }, online: true };
    const user = await this.deps.store.getUser(tenant, userId);
    return user
      ? { party: { id: userId, name: user.name, role: user.role }, online: false }
      : undefined;
  }

  /** Whether `watcher` may see `target`'s presence; a failing hook answers `internal`. */
  async canSee(watcher: PolicyParty, target: PolicyParty): Promise<boolean> {
    if (watcher.tenant === target.tenant && watcher.id === target.id) return true;
    try {
      return await this.deps.canWatch(watcher, target);
    } catch (err) {
      this.deps.logger.error({ err }, 'canWatch hook failed');
      throw fail.internal('the presence policy failed');
    }
  }

  /** How `watcher` may see each id (duplicates answered once). */
  async sights(watcher: Identity, ids: string[]): Promise<Map<string, Sight>> {
    const { tenant } = watcher;
    const self = partyOf(watcher);
    const result = new Map<string, Sight>();
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        // The default policy shows agents everyone: no lookup needed, and an id nobody has used
        // yet can be watched as it is.
        if (this.deps.canWatch === defaultCanWatch && watcher.role === 'agent') {
          return result.set(id, 'visible');
        }
        const known = await this.lookup(tenant, id);
        if (!known) return result.set(id, 'unknown');
        const seen = await this.canSee(self, { ...known.party, tenant });
        return result.set(id, seen ? 'visible' : 'hidden');
      }),
    );
    return result;
  }
}

/** A verified identity as the policy hooks see it. */
export function partyOf(
  identity: Pick<Identity, 'tenant' | 'userId' | 'name' | 'role'>,
): PolicyParty {
  return { id: identity.userId, name: identity.name, role: identity.role, tenant: identity.tenant };
}
