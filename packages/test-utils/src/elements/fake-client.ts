/**
 * Stand-in clients for the situations the test setup cannot produce for real:
 * - several incoming calls ringing at once (the reference server answers a second caller
 *   `busy`, but other servers or future policies may queue calls);
 * - audio blocked by the autoplay policy (the test browser runs with autoplay allowed) and a
 *   media reconnect (needs a network failure between two pages of one browser).
 * Each implements only what the element under test reads.
 */
import type { CallQuality, Presence, SynapseClient } from '@synapse-calling/sdk-core';
import type { CallInfo } from '@synapse-calling/sdk-core';

type Listener = () => void;

export class FakeCall {
  state: 'ringing' | 'ended' = 'ringing';
  readonly direction = 'incoming' as const;
  endReason: string | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly id: string,
    readonly peer: { id: string; name: string; role: 'agent' | 'customer' },
    private readonly changed: () => void,
  ) {}

  on(_event: string, listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async accept(): Promise<void> {
    this.finish('completed');
  }

  async reject(): Promise<void> {
    this.finish('rejected');
  }

  finish(reason: string): void {
    this.state = 'ended';
    this.endReason = reason;
    for (const listener of [...this.listeners]) listener();
    this.changed();
  }
}

export class FakeQueueClient {
  readonly connectionState = 'connected';
  readonly user = { id: 'me', tenant: 't', name: 'Me', role: 'agent' };
  private readonly ringing: FakeCall[] = [];
  private readonly listeners = new Set<Listener>();

  readonly calls = {
    active: null,
    get incoming(): FakeCall[] {
      return [];
    },
    get all(): FakeCall[] {
      return [];
    },
  };

  constructor() {
    Object.defineProperty(this.calls, 'incoming', {
      get: () => this.ringing.filter((c) => c.state === 'ringing'),
    });
  }

  /** A new call rings from `name`. */
  ring(id: string, name: string): FakeCall {
    const call = new FakeCall(id, { id: `${id}-caller`, name, role: 'agent' }, () => this.emit());
    this.ringing.push(call);
    this.emit();
    return call;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on(): () => void {
    return () => undefined;
  }

  /** Typed as the SDK client for the element's `client` property. */
  asClient(): SynapseClient {
    return this as unknown as SynapseClient;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** An active call whose audio was blocked by autoplay, with media reconnecting. */
export class FakeActiveCall {
  readonly id = 'call-active';
  readonly state = 'active' as const;
  readonly direction = 'outgoing' as const;
  readonly peer = { id: 'cust-1', name: 'Carl Customer', role: 'customer' as const };
  readonly startedAt = Date.now() - 65_000;
  readonly duration = 65;
  quality: CallQuality = 'poor';
  readonly muted = false;
  audioBlocked = true;
  startAudioCalls = 0;
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  async startAudio(): Promise<void> {
    this.startAudioCalls++;
    this.audioBlocked = false;
    for (const listener of [...(this.listeners.get('audioBlockedChanged') ?? [])]) listener();
  }
}

export class FakeActiveClient {
  readonly connectionState = 'connected';
  readonly user = { id: 'agent-1', tenant: 't', name: 'Ada', role: 'agent' };
  readonly call = new FakeActiveCall();
  readonly calls = { active: this.call, incoming: [], all: [this.call] };
  mediaReconnecting = true;

  getSnapshot(): { activeCall: { id: string; speaking: boolean; mediaReconnecting: boolean } } {
    return {
      activeCall: { id: this.call.id, speaking: false, mediaReconnecting: this.mediaReconnecting },
    };
  }

  subscribe(): () => void {
    return () => undefined;
  }

  on(): () => void {
    return () => undefined;
  }

  asClient(): SynapseClient {
    return this as unknown as SynapseClient;
  }
}

/**
 * A connected client whose people have fixed presence and whose history is a fixed page: for
 * layout checks that need a state the server only reaches slowly (offline with "last seen"
 * after its grace window).
 */
export class FakeStaticClient {
  readonly connectionState = 'connected';
  readonly user = { id: 'me', tenant: 't', name: 'Me', role: 'agent' };
  readonly calls = { active: null, incoming: [], all: [] };

  constructor(
    private readonly people: Record<string, Presence>,
    private readonly history: CallInfo[] = [],
  ) {}

  readonly presence = {
    get: (id: string): Presence | undefined => this.people[id],
    watch: (): (() => void) => () => undefined,
  };

  async fetchCallHistory(): Promise<{ calls: CallInfo[]; nextCursor: null }> {
    return { calls: this.history, nextCursor: null };
  }

  subscribe(): () => void {
    return () => undefined;
  }

  on(): () => void {
    return () => undefined;
  }

  asClient(): SynapseClient {
    return this as unknown as SynapseClient;
  }
}
