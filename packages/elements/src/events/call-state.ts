import { SynapseEvent } from './base';
import type {
  CallDirection,
  CallEndReason,
  ClientCallState,
  Party,
} from '@synapse-calling/sdk-core';

export interface SynapseCallStateDetail {
  callId: string;
  state: ClientCallState;
  direction: CallDirection;
  peer: Party;
  /** Set once `state` is `ended`. */
  endReason?: CallEndReason | null | undefined;
}

/** Fired when a call that the element shows changes state (ringing, connecting, active, ended). */
export class SynapseCallStateEvent extends SynapseEvent<SynapseCallStateDetail> {
  static readonly eventName = 'synapse-call-state';

  constructor(detail: SynapseCallStateDetail) {
    super('synapse-call-state', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-state': SynapseCallStateEvent;
  }
}
