import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SynapseCallEndEvent } from '../events/call-end';
import { SynapseCallErrorEvent } from '../events/call-error';
import { SynapseCallStartEvent } from '../events/call-start';
import type { SynapseCallStateDetail } from '../events/call-state';
import { CallTracker } from '../internal/call-tracker';
import type { Call, LineStatus, SynapseClient } from '@synapse-calling/sdk-core';
import type { ClientController } from './client-controller';
import type { PresenceController } from './presence-controller';

/**
 * What a call button can be:
 * - `idle`: the person can be called (online or away, or offline with a browser registered for
 *   Web Push: the call rings there);
 * - `calling`: our call to them rings or connects (click cancels);
 * - `incoming`: they are calling us (click answers);
 * - `in-call`: we are talking to them (click hangs up);
 * - `busy`: they are in another call; `unavailable`: they set "do not disturb";
 * - `offline`: they are offline; `self-busy`: we are in a call with someone else;
 * - `self`: the button points at the signed-in user; `connecting`: no client or not connected;
 * - `connection-failed`: not connected, and the client says why (`client.connectionError`:
 *   the page's origin is not allowed, signing in failed…);
 * - `checking`: connected, but their presence (or the line's status) is not known yet;
 * - `closed`: the button calls a support line, and it is outside its business hours.
 */
export type CallButtonState =
  | 'idle'
  | 'calling'
  | 'incoming'
  | 'in-call'
  | 'busy'
  | 'unavailable'
  | 'offline'
  | 'self-busy'
  | 'self'
  | 'connecting'
  | 'connection-failed'
  | 'checking'
  | 'closed';

/** States in which a click does something. */
const ACTIONABLE: ReadonlySet<CallButtonState> = new Set([
  'idle',
  'calling',
  'incoming',
  'in-call',
]);

export interface CallButtonTarget {
  userId: string;
  /** A support line to call instead of `userId` (the server picks the agent). */
  line?: string | undefined;
  name: string;
  metadata: Record<string, unknown> | undefined;
}

/**
 * The button's side of the controller. The button updates its outcome and live region through
 * these callbacks, not by listening to its own events: those are for the page.
 */
export interface CallButtonOptions {
  /** The person to call, read on every use. */
  target: () => CallButtonTarget;
  /** The followed call changed state; called just before `synapse-call-state` is fired. */
  stateChanged: (detail: SynapseCallStateDetail) => void;
  /** Placing, answering or ending the call failed; called just before `synapse-call-error`. */
  failed: (action: string, error: unknown) => void;
  /** For a line button: the line's last known status (undefined while unknown). */
  lineStatus?: () => LineStatus | undefined;
}

/**
 * The call button's logic: derives its state from the client's calls and the callee's presence,
 * and turns a click into call / cancel / answer / hang up. Fires `synapse-call-start`
 * (cancelable), `synapse-call-state`, `synapse-call-end` and `synapse-call-error` from the host.
 */
export class CallButtonController implements ReactiveController {
  private readonly tracker: CallTracker;
  /** True while `client.call()` is in flight, before the Call object exists. */
  private placing = false;
  /** A click on "Calling…" that came before the server acknowledged the call. */
  private cancelWhenPlaced = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly clients: ClientController,
    private readonly presence: PresenceController,
    private readonly options: CallButtonOptions,
  ) {
    host.addController(this);
    this.tracker = new CallTracker(host, options.stateChanged);
  }

  /** The live call with this person, if any. */
  get call(): Call | undefined {
    const call = this.tracker.call;
    return call && call.state !== 'ended' ? call : undefined;
  }

  get state(): CallButtonState {
    const client = this.clients.client;
    const { userId, line } = this.options.target();
    if (client && client.connectionState !== 'connected' && client.connectionError) {
      return 'connection-failed';
    }
    if (!client || client.connectionState !== 'connected' || !(userId || line)) return 'connecting';
    if (!line && client.user?.id === userId) return 'self';
    const call = this.call;
    if (this.placing) return 'calling';
    if (call) {
      if (call.state === 'active') return 'in-call';
      return call.direction === 'incoming' ? 'incoming' : 'calling';
    }
    const active = client.calls.active;
    if (active && active.state !== 'ended') return 'self-busy';
    if (line) {
      // Open with every agent busy is still `idle`: the caller waits in line.
      const status = this.options.lineStatus?.();
      if (!status) return 'checking';
      return status.open ? 'idle' : 'closed';
    }
    const presence = this.presence.presence;
    switch (presence?.status) {
      case 'online':
      case 'away':
        return 'idle';
      case 'busy':
        return 'busy';
      case 'dnd':
        return 'unavailable';
      case 'offline':
        return presence?.pushReachable ? 'idle' : 'offline';
      default:
        return 'checking';
    }
  }

  get actionable(): boolean {
    return ACTIONABLE.has(this.state);
  }

  hostUpdate(): void {
    // Follow the newest unfinished call with this person (placed here, in another tab's
    // button, or incoming); keep following an ended one until a new one starts so that its
    // `ended` state is still announced.
    const found = this.findCall(this.clients.client);
    if (found) this.tracker.track(found);
    // A button re-pointed at someone else (a reused list row) must let go of the old call, or
    // a click would answer or hang up another person's call.
    else if (this.tracker.call && !this.isOurs(this.tracker.call)) {
      this.tracker.track(undefined);
    }
  }

  hostDisconnected(): void {
    this.tracker.stop();
  }

  /** The click: call, cancel, answer or hang up depending on the state. */
  async activate(): Promise<void> {
    const client = this.clients.client;
    const state = this.state;
    if (!client || !ACTIONABLE.has(state)) return;
    const call = this.call;
    if (state === 'idle') return this.place(client);
    if (!call) {
      // "Calling…" before the server has acknowledged the call (the microphone is still opening):
      // remember the cancel and hang up as soon as the call exists.
      if (this.placing) this.cancelWhenPlaced = true;
      return;
    }
    if (state === 'incoming') {
      return this.run('accept', () => call.accept());
    }
    this.host.dispatchEvent(
      new SynapseCallEndEvent({ callId: call.id, direction: call.direction, peer: call.peer }),
    );
    return this.run('end', () => call.end());
  }

  private async place(client: SynapseClient): Promise<void> {
    const { userId, line, name, metadata } = this.options.target();
    const start = new SynapseCallStartEvent({ userId, name, metadata, ...(line ? { line } : {}) });
    this.host.dispatchEvent(start);
    if (start.defaultPrevented) return;
    this.placing = true;
    this.cancelWhenPlaced = false;
    this.host.requestUpdate();
    try {
      const opts = metadata ? { metadata } : undefined;
      const call = await (line ? client.callLine(line, opts) : client.call(userId, opts));
      this.tracker.track(call);
      if (this.cancelWhenPlaced) {
        this.host.dispatchEvent(
          new SynapseCallEndEvent({ callId: call.id, direction: call.direction, peer: call.peer }),
        );
        await this.run('end', () => call.end());
      }
    } catch (error) {
      this.fail('call', error);
    } finally {
      this.placing = false;
      this.cancelWhenPlaced = false;
      this.host.requestUpdate();
    }
  }

  private async run(action: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.fail(action, error);
    }
  }

  private fail(action: string, error: unknown): void {
    this.options.failed(action, error);
    this.host.dispatchEvent(SynapseCallErrorEvent.from(error, action));
  }

  private findCall(client: SynapseClient | undefined): Call | undefined {
    const { userId, line } = this.options.target();
    if (!client || !(userId || line)) return undefined;
    return client.calls.all.filter((c) => this.isOurs(c) && c.state !== 'ended').at(-1);
  }

  /** Whether `call` is this button's: to its line (whoever answers), else with its person. */
  private isOurs(call: Call): boolean {
    const { userId, line } = this.options.target();
    if (line) return call.line === line && call.direction === 'outgoing';
    return call.peer.id === userId;
  }
}
