/**
 * A stand-in client for the one situation the reference server never produces: several
 * incoming calls ringing at once (it answers a second caller `busy`). Other SDK servers or
 * future policies may queue calls, so the elements support it; this fake lets a test show it.
 * It implements only what `<synapse-incoming-call>` reads.
 */
import type { SynapseClient } from '@synapse-calling/sdk-core';

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
