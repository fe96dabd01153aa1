import { SynapseEvent } from './base';
import type { SynapseCallActionDetail } from './call-action';

/** Fired when the user ends or cancels a call from an element. */
export class SynapseCallEndEvent extends SynapseEvent<SynapseCallActionDetail> {
  static readonly eventName = 'synapse-call-end';

  constructor(detail: SynapseCallActionDetail) {
    super('synapse-call-end', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-end': SynapseCallEndEvent;
  }
}
