import { SynapseEvent } from './base';
import type { SynapseCallActionDetail } from './call-action';

/** Fired when the user declines an incoming call. */
export class SynapseCallDeclineEvent extends SynapseEvent<SynapseCallActionDetail> {
  static readonly eventName = 'synapse-call-decline';

  constructor(detail: SynapseCallActionDetail) {
    super('synapse-call-decline', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-decline': SynapseCallDeclineEvent;
  }
}
