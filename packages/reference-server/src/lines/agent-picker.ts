import type { CallInfo, Line, Party } from '@synapse-calling/protocol';
import type { PresenceManager } from '../presence/presence-manager';
import type { Visibility } from '../presence/visibility';
import { userKey } from '../stores/keys';
import type { CallLog, CallRegistry } from '../stores/types';
import type { LineStore } from './line-store';

export interface AgentPickerDeps {
  store: LineStore;
  registry: Pick<CallRegistry, 'forUser'>;
  callLog: Pick<CallLog, 'listForUser'>;
  presence: Pick<PresenceManager, 'current'>;
  visibility: Pick<Visibility, 'lookup'>;
  /** After declining or missing a line call, an agent is skipped by every line for this long. */
  cooldownMs: number;
}

/**
 * Which agents of a line may be rung now, in the order its strategy rings them. An agent is
 * available when they are a member, have not paused the line, are `online` (not away, busy or
 * dnd), have no unfinished call and did not decline or miss a line call within the cool-down.
 * Availability is only a hint: the registry's compare-and-set decides who really gets the call.
 */
export class AgentPicker {
  /** userKey → end of the agent's cool-down (ms). One node's memory: a short, soft pause. */
  private readonly cooling = new Map<string, number>();
  /** Line key → the agent a round-robin line rang last. */
  private readonly lastRung = new Map<string, string>();

  constructor(private readonly deps: AgentPickerDeps) {}

  /** Available agents of `line` other than `exclude`, in ringing order, with their names. */
  async available(tenant: string, line: Line, exclude: readonly string[] = []): Promise<Party[]> {
    const paused = await this.deps.store.paused(tenant, line.id);
    const now = Date.now();
    const checks = await Promise.all(
      line.members
        .filter((id) => !exclude.includes(id) && !paused.has(id))
        .filter((id) => (this.cooling.get(userKey(tenant, id)) ?? 0) <= now)
        .map(async (id) => {
          const [presence, calls, known] = await Promise.all([
            this.deps.presence.current(tenant, id),
            this.deps.registry.forUser(tenant, id),
            this.deps.visibility.lookup(tenant, id),
          ]);
          const free = presence.status === 'online' && calls.length === 0 && known;
          return free ? known.party : undefined;
        }),
    );
    const agents = checks.filter((p): p is Party => p !== undefined);
    if (line.strategy === 'round-robin') return this.rotate(tenant, line, agents);
    if (line.strategy === 'longest-idle') return this.byIdle(tenant, agents);
    return agents;
  }

  /** An agent as a call party (name and role from their latest token). */
  async party(tenant: string, userId: string): Promise<Party | undefined> {
    return (await this.deps.visibility.lookup(tenant, userId))?.party;
  }

  /** Notes that `agentId` rang for `line` (round-robin moves past them). */
  rang(tenant: string, lineId: string, agentId: string): void {
    this.lastRung.set(userKey(tenant, lineId), agentId);
  }

  /** Starts an agent's cool-down after they declined or missed a line call. */
  coolDown(tenant: string, agentId: string): void {
    if (this.deps.cooldownMs <= 0) return;
    const now = Date.now();
    for (const [key, until] of this.cooling) if (until <= now) this.cooling.delete(key);
    this.cooling.set(userKey(tenant, agentId), now + this.deps.cooldownMs);
  }

  /** Members after the one rung last first, wrapping around (membership order). */
  private rotate(tenant: string, line: Line, agents: Party[]): Party[] {
    const last = this.lastRung.get(userKey(tenant, line.id));
    const start = last === undefined ? 0 : line.members.indexOf(last) + 1;
    const rank = (id: string) =>
      (line.members.indexOf(id) - start + line.members.length) % line.members.length;
    return [...agents].sort((a, b) => rank(a.id) - rank(b.id));
  }

  /**
   * Longest idle first: idle since their latest call ended (from the call log, so every node
   * agrees and a restart forgets nothing); never called counts as idle forever. Ties keep
   * membership order.
   */
  private async byIdle(tenant: string, agents: Party[]): Promise<Party[]> {
    const since = await Promise.all(
      agents.map(async (agent) => {
        const { entries } = await this.deps.callLog.listForUser(tenant, agent.id, { limit: 1 });
        const latest = entries[0]?.call;
        return latest ? idleSince(latest, agent.id) : 0;
      }),
    );
    return agents
      .map((agent, i) => ({ agent, since: since[i] ?? 0, i }))
      .sort((a, b) => a.since - b.since || a.i - b.i)
      .map(({ agent }) => agent);
  }
}

/**
 * When `agentId` was done with `call`: when it ended (now while it goes on), or, for an agent
 * who transferred it on and is on neither end now, when their own leg ended.
 */
function idleSince(call: CallInfo, agentId: string): number {
  const own = call.from.id === agentId || call.to.id === agentId;
  const leg = own ? undefined : call.legs?.filter((l) => l.party.id === agentId).at(-1);
  return leg?.until ?? call.endedAt ?? Date.now();
}
