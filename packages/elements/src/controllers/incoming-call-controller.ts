import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SynapseCallAcceptEvent } from '../events/call-accept';
import { SynapseCallDeclineEvent } from '../events/call-decline';
import { SynapseCallErrorEvent } from '../events/call-error';
import { SynapseRingtoneChangeEvent } from '../events/ringtone-change';
import { CallTracker } from '../internal/call-tracker';
import { Ringtone } from '../internal/ringtone';
import type { Call } from '@synapse-calling/sdk-core';
import type { ClientController } from './client-controller';

/**
 * The incoming-call queue: the client's ringing incoming calls, oldest first. Rings while the
 * queue is not empty (unless muted or silenced) and stops on every outcome — accepted, declined,
 * cancelled by the caller, missed, answered in another tab — because each of them takes the call
 * out of `client.calls.incoming`.
 */
export class IncomingCallController implements ReactiveController {
  private readonly ringtone = new Ringtone();
  private readonly tracker: CallTracker;
  private wasRinging = false;
  private connected = false;
  /** Calls the user acted on here, hidden at once instead of waiting for the server. */
  private readonly handled = new Set<string>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly clients: ClientController,
    private readonly options: () => { muted: boolean; silent: boolean },
  ) {
    host.addController(this);
    this.tracker = new CallTracker(host);
  }

  /** Ringing incoming calls, oldest first. */
  get queue(): Call[] {
    const client = this.clients.client;
    if (!client) return [];
    return client.calls.incoming.filter(
      (c) => c.state === 'ringing' && c.direction === 'incoming' && !this.handled.has(c.id),
    );
  }

  /** The call shown now. */
  get current(): Call | undefined {
    return this.queue[0];
  }

  /** Whether the ringtone is sounding. */
  get ringing(): boolean {
    return this.ringtone.playing;
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostUpdate(): void {
    const incoming = this.clients.client?.calls.incoming ?? [];
    for (const id of this.handled) {
      if (!incoming.some((c) => c.id === id)) this.handled.delete(id);
    }
    const current = this.current;
    if (current) this.tracker.track(current);
    this.syncRingtone();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.tracker.stop();
    this.syncRingtone();
    this.ringtone.dispose();
  }

  async accept(call = this.current): Promise<void> {
    if (!call) return;
    this.host.dispatchEvent(
      new SynapseCallAcceptEvent({ callId: call.id, direction: call.direction, peer: call.peer }),
    );
    await this.act(call, 'accept', () => call.accept());
  }

  async decline(call = this.current): Promise<void> {
    if (!call) return;
    this.host.dispatchEvent(
      new SynapseCallDeclineEvent({ callId: call.id, direction: call.direction, peer: call.peer }),
    );
    await this.act(call, 'decline', () => call.reject());
  }

  private async act(call: Call, action: string, fn: () => Promise<void>): Promise<void> {
    this.handled.add(call.id);
    this.host.requestUpdate();
    try {
      await fn();
    } catch (error) {
      // Show it again if it is still ringing: the user may want to try once more.
      this.handled.delete(call.id);
      this.host.dispatchEvent(SynapseCallErrorEvent.from(error, action));
    } finally {
      this.host.requestUpdate();
    }
  }

  private syncRingtone(): void {
    const { muted, silent } = this.options();
    const shouldRing = this.connected && !muted && !silent && this.current !== undefined;
    if (shouldRing) this.ringtone.start();
    else this.ringtone.stop();
    if (shouldRing !== this.wasRinging) {
      this.wasRinging = shouldRing;
      this.host.dispatchEvent(new SynapseRingtoneChangeEvent({ ringing: shouldRing }));
    }
  }
}
