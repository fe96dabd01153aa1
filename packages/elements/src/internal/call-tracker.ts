import type { ReactiveControllerHost } from 'lit';
import { SynapseCallStateEvent, type SynapseCallStateDetail } from '../events/call-state';
import type { Call } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';

/**
 * Follows one call's state and fires `synapse-call-state` from `host` on each change (once per
 * state), re-rendering it. Used by the elements that show a single call. `stateChanged` hears each
 * change first, so that an element updates itself without listening to its own public event.
 */
export class CallTracker {
  private tracked: Call | undefined;
  private lastState: string | undefined;
  private off: Unsubscribe[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly stateChanged: (detail: SynapseCallStateDetail) => void = () => {},
  ) {}

  get call(): Call | undefined {
    return this.tracked;
  }

  /** Starts following `call` (no-op when it is already followed); `undefined` stops. */
  track(call: Call | undefined): void {
    if (call === this.tracked) return;
    this.stop();
    this.tracked = call;
    if (!call) return;
    const changed = () => {
      this.announce(call);
      this.host.requestUpdate();
    };
    this.off = [
      call.on('stateChanged', changed),
      call.on('ended', changed),
      call.on('mutedChanged', () => this.host.requestUpdate()),
    ];
    this.announce(call);
  }

  stop(): void {
    for (const off of this.off) off();
    this.off = [];
    this.tracked = undefined;
    this.lastState = undefined;
  }

  private announce(call: Call): void {
    if (call !== this.tracked || call.state === this.lastState) return;
    this.lastState = call.state;
    const detail: SynapseCallStateDetail = {
      callId: call.id,
      state: call.state,
      direction: call.direction,
      peer: call.peer,
      endReason: call.state === 'ended' ? call.endReason : undefined,
    };
    this.stateChanged(detail);
    this.host.dispatchEvent(new SynapseCallStateEvent(detail));
  }
}
