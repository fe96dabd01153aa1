import { SynapseEvent } from './base';
import type { ConnectionState } from '@synapse-calling/sdk-core';

export interface SynapseConnectionChangeDetail {
  state: ConnectionState;
}

/** Fired by \`<synapse-calling>\` when its client connects, reconnects or disconnects. */
export class SynapseConnectionChangeEvent extends SynapseEvent<SynapseConnectionChangeDetail> {
  static readonly eventName = 'synapse-connection-change';

  constructor(detail: SynapseConnectionChangeDetail) {
    super('synapse-connection-change', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-connection-change': SynapseConnectionChangeEvent;
  }
}
