import { SynapseEvent } from './base';
import type { SynapseCallActionDetail } from './call-action';

/** Fired when the user accepts an incoming call. */
export class SynapseCallAcceptEvent extends SynapseEvent<SynapseCallActionDetail> {
  static readonly eventName = 'synapse-call-accept';

  constructor(detail: SynapseCallActionDetail) {
    super('synapse-call-accept', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-accept': SynapseCallAcceptEvent;
  }
}
