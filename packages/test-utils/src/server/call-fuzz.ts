/**
 * The rig of the property-based call fuzz (reference-server `hardening/fuzz.test.ts`): users with
 * several tabs each, on one or more real server nodes, driven by random actions, and the
 * invariants every run must keep. It knows nothing of the generator: a step is a list of actions
 * run at once, and `finish()` returns the violations found (empty when all held).
 */
import type { CallInfo, Role } from '@synapse-calling/protocol';
import type { CallEvent } from '@synapse-calling/reference-server';
import { emitAck, type TestClient, type TestServer } from './server';
import { waitFor } from './ports';

export interface FuzzUser {
  tenant: string;
  id: string;
  role: Role;
}

/** What a tab does; `pick` chooses among the calls the tab knows (or, for meddling, any tab's). */
export type FuzzAction =
  | { kind: 'initiate'; user: number; tab: number; to: number }
  | {
      kind: 'accept' | 'reject' | 'end' | 'sync' | 'disconnect' | 'reconnect';
      user: number;
      tab: number;
      pick: number;
    }
  | { kind: 'meddle'; user: number; tab: number; pick: number; what: 'accept' | 'reject' | 'end' }
  /** Lets time pass, so that ring timeouts and grace windows fire between (and during) actions. */
  | { kind: 'wait'; ms: number };

export interface FuzzTimers {
  ringTimeoutMs: number;
  reconnectGraceMs: number;
}

const RECORDED = [
  'incoming-call',
  'call-accepted',
  'call-rejected',
  'call-ended',
  'call-answered-elsewhere',
  'presence-changed',
] as const;
type Recorded = (typeof RECORDED)[number];

interface Seen {
  name: Recorded;
  call?: CallInfo;
  /** The user a `presence-changed` was about. */
  userId?: string | undefined;
}

class Tab {
  socket: TestClient | undefined;
  readonly seen: Seen[] = [];
  /** Ids of the calls this tab learnt about, oldest first. */
  readonly calls: string[] = [];

  constructor(
    readonly user: FuzzUser,
    readonly node: TestServer,
  ) {}

  learn(call: CallInfo | undefined): void {
    if (call && !this.calls.includes(call.id)) this.calls.push(call.id);
  }

  pick(n: number): string | undefined {
    return this.calls.length ? this.calls[n % this.calls.length] : undefined;
  }
}

export class CallFuzzRig {
  readonly violations: string[] = [];
  private readonly tabs: Tab[][];
  private readonly allCalls = new Set<string>();

  /**
   * @param nodes - the server(s); tab `t` of every user connects to node `t % nodes.length`
   * @param events - every `onCallEvent` of every node, appended as they happen
   * @param watched - ids each tab subscribes to besides its tenant's users (ids of another
   *   tenant: their changes must never arrive)
   */
  constructor(
    private readonly nodes: TestServer[],
    private readonly users: FuzzUser[],
    tabsPerUser: number,
    private readonly events: CallEvent[],
    private readonly watched: Record<string, string[]>,
    private readonly timers: FuzzTimers,
  ) {
    this.tabs = users.map((user) =>
      Array.from({ length: tabsPerUser }, (_, t) => new Tab(user, nodes[t % nodes.length]!)),
    );
  }

  /** Connects every tab. */
  async open(): Promise<void> {
    for (const tabs of this.tabs) for (const tab of tabs) await this.connect(tab);
  }

  /** Runs the actions of one step at the same time, then checks what must hold at any moment. */
  async step(actions: FuzzAction[]): Promise<void> {
    await Promise.all(actions.map((action) => this.act(action)));
    await this.checkOneCallPerUser();
  }

  /** Closes every tab, lets the grace windows run out, and checks the end state. */
  async finish(): Promise<string[]> {
    for (const tabs of this.tabs) for (const tab of tabs) tab.socket?.close();
    const registry = this.nodes[0]!.synapse.stores.registry;
    const { ringTimeoutMs, reconnectGraceMs } = this.timers;
    // Grace and ring timers, plus slack for a busy machine; past that a live call is a leak.
    const deadline = Math.max(ringTimeoutMs, reconnectGraceMs) + reconnectGraceMs + 3000;
    try {
      await waitFor(async () => (await registry.all()).length === 0, {
        timeoutMs: deadline,
        what: 'every call to end',
      });
    } catch {
      for (const r of await registry.all()) {
        this.violations.push(`call ${r.call.id} still ${r.call.state} after every socket closed`);
      }
    }
    // A call leaves the registry a moment before its log row is written and its event fired
    // (on whichever node ended it): give those a moment, so that only a lost event counts.
    const settled = () =>
      this.events
        .filter((e) => e.type === 'call.ringing')
        .every((r) => this.events.some((e) => e.call.id === r.call.id && e.type === 'call.ended'));
    await waitFor(settled, { timeoutMs: 2000, what: 'call events' }).catch(() => undefined);
    await this.checkEndedOnce();
    await this.checkHistoriesAgree();
    await this.checkNoLeaks();
    return this.violations;
  }

  private tab(user: number, tab: number): Tab {
    const tabs = this.tabs[user % this.tabs.length]!;
    return tabs[tab % tabs.length]!;
  }

  private async connect(tab: Tab): Promise<void> {
    const { tenant, id, role } = tab.user;
    const socket = await tab.node.connect({ sub: id, tenant, role });
    tab.socket = socket;
    const loose = socket as unknown as { on(event: string, fn: (p: unknown) => void): void };
    for (const name of RECORDED) {
      loose.on(name, (payload) => {
        const p = payload as { call?: CallInfo; presence?: { userId: string } };
        tab.seen.push({ name, ...(p.call ? { call: p.call } : {}), userId: p.presence?.userId });
        this.learn(tab, p.call);
      });
    }
    const others = this.users.filter((u) => u.tenant === tenant).map((u) => u.id);
    const userIds = [...new Set([...others, ...(this.watched[tenant] ?? [])])];
    await emitAck(socket, 'subscribe-presence', { userIds });
    await emitAck(socket, 'sync', {});
  }

  private learn(tab: Tab, call: CallInfo | undefined): void {
    tab.learn(call);
    if (call) this.allCalls.add(call.id);
  }

  /** Runs one action; an ack lost because the same step closed the tab is no failure. */
  private async act(action: FuzzAction): Promise<void> {
    if (action.kind === 'wait') {
      await new Promise((resolve) => setTimeout(resolve, action.ms));
      return;
    }
    const tab = this.tab(action.user, action.tab);
    const socket = tab.socket;
    try {
      await this.perform(action, tab);
    } catch (err) {
      // The same step closed this tab while the action waited for its ack: nothing to judge.
      const closedMeanwhile = socket !== undefined && !socket.connected;
      if (action.kind === 'reconnect' || !closedMeanwhile) {
        this.violations.push(`${action.kind} by ${tab.user.tenant}/${tab.user.id}: ${String(err)}`);
      }
    }
  }

  private async perform(action: Exclude<FuzzAction, { kind: 'wait' }>, tab: Tab): Promise<void> {
    if (action.kind === 'reconnect') {
      if (!tab.socket?.connected) await this.connect(tab);
      return;
    }
    const socket = tab.socket;
    if (!socket?.connected) return;
    switch (action.kind) {
      case 'disconnect':
        socket.close();
        return;
      case 'sync': {
        const ack = await emitAck(socket, 'sync', {});
        if (ack.ok) for (const { call } of ack.calls) this.learn(tab, call);
        return;
      }
      case 'initiate': {
        const to = this.users[action.to % this.users.length]!.id;
        const ack = await emitAck(socket, 'initiate-call', { to });
        if (ack.ok) this.learn(tab, ack.call);
        return;
      }
      case 'meddle':
        return this.meddle(tab, socket, action);
      default: {
        const callId = tab.pick(action.pick);
        if (!callId) return;
        const event = `${action.kind}-call` as const;
        const ack = await emitAck(socket, event, { callId });
        if (ack.ok) this.learn(tab, ack.call);
      }
    }
  }

  /** Acts on a call some other tab knows: only a party of it may get anything but an error. */
  private async meddle(
    tab: Tab,
    socket: TestClient,
    action: Extract<FuzzAction, { kind: 'meddle' }>,
  ): Promise<void> {
    const known = [...this.allCalls];
    const callId = known[action.pick % Math.max(known.length, 1)];
    if (!callId) return;
    const ack = await emitAck(socket, `${action.what}-call`, { callId });
    if (!ack.ok) return;
    const entry = await this.nodes[0]!.synapse.stores.callLog.get(callId);
    const { tenant, id } = tab.user;
    const party = entry?.call.from.id === id || entry?.call.to.id === id;
    if (entry?.tenant !== tenant || !party) {
      this.violations.push(`${tenant}/${id} could ${action.what} call ${callId} of another user`);
    }
    this.learn(tab, ack.call);
  }

  private async checkOneCallPerUser(): Promise<void> {
    const count = new Map<string, number>();
    for (const { tenant, call } of await this.nodes[0]!.synapse.stores.registry.all()) {
      for (const id of [call.from.id, call.to.id]) {
        const key = `${tenant}/${id}`;
        count.set(key, (count.get(key) ?? 0) + 1);
      }
    }
    for (const [user, n] of count) {
      if (n > 1) this.violations.push(`${user} is in ${n} unfinished calls at once`);
    }
  }

  /** Every call that rang ended exactly once, with one reason, the same everywhere. */
  private async checkEndedOnce(): Promise<void> {
    const log = this.nodes[0]!.synapse.stores.callLog;
    const ids = new Set([...this.allCalls, ...this.events.map((e) => e.call.id)]);
    for (const id of ids) {
      const entry = await log.get(id);
      if (entry?.call.state !== 'ended' || !entry.call.endReason) {
        this.violations.push(`call ${id} is ${entry?.call.state ?? 'missing'} in the log`);
        continue;
      }
      const reason = entry.call.endReason;
      const rang = this.events.some((e) => e.call.id === id && e.type === 'call.ringing');
      const ends = this.events.filter((e) => e.call.id === id && e.type === 'call.ended');
      if (ends.length > 1 || (rang && ends.length !== 1)) {
        this.violations.push(`call ${id} rang and has ${ends.length} call.ended events`);
      }
      for (const e of ends) {
        if (e.call.endReason !== reason) {
          this.violations.push(`call ${id}: event says ${e.call.endReason}, log says ${reason}`);
        }
      }
      for (const tab of this.tabs.flat()) {
        const told = tab.seen.filter((s) => s.name === 'call-ended' && s.call?.id === id);
        if (told.length > 1)
          this.violations.push(`a tab was told ${told.length}× that ${id} ended`);
        for (const s of told) {
          if (s.call?.endReason !== reason) {
            this.violations.push(`call ${id}: a tab was told ${s.call?.endReason}, log ${reason}`);
          }
        }
      }
    }
  }

  /** The same call looks the same in both parties' histories. */
  private async checkHistoriesAgree(): Promise<void> {
    const log = this.nodes[this.nodes.length - 1]!.synapse.stores.callLog;
    const byUser = new Map<string, Map<string, CallInfo>>();
    for (const { tenant, id } of this.users) {
      const page = await log.listForUser(tenant, id, { limit: 100 });
      byUser.set(`${tenant}/${id}`, new Map(page.entries.map((e) => [e.call.id, e.call])));
    }
    for (const [user, calls] of byUser) {
      const tenant = user.slice(0, user.indexOf('/'));
      for (const call of calls.values()) {
        for (const party of [call.from.id, call.to.id]) {
          const theirs = byUser.get(`${tenant}/${party}`)?.get(call.id);
          if (byUser.has(`${tenant}/${party}`) && JSON.stringify(theirs) !== JSON.stringify(call)) {
            this.violations.push(`call ${call.id} differs between ${user} and ${party}'s history`);
          }
        }
      }
    }
  }

  /** No call event reached a non-party or another tenant, nor did any presence change. */
  private async checkNoLeaks(): Promise<void> {
    const log = this.nodes[0]!.synapse.stores.callLog;
    for (const tab of this.tabs.flat()) {
      const { tenant, id } = tab.user;
      const foreign = new Set(this.watched[tenant] ?? []);
      for (const s of tab.seen) {
        if (s.name === 'presence-changed' && s.userId && foreign.has(s.userId)) {
          this.violations.push(`${tenant}/${id} got presence of ${s.userId} of another tenant`);
        }
        if (!s.call) continue;
        // Ids repeat across tenants: the log's row says whose call it really is.
        const entry = await log.get(s.call.id);
        const party = s.call.from.id === id || s.call.to.id === id;
        if (entry?.tenant !== tenant || !party) {
          this.violations.push(`${tenant}/${id} got ${s.name} of a call of others`);
        }
      }
    }
  }
}
