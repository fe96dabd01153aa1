import { SynapseEvent } from './base';

export interface SynapseHistoryLoadDetail {
  /** Calls shown in total. */
  count: number;
  /** Whether "Load more" can fetch another page. */
  hasMore: boolean;
}

/** Fired when a page of call history has loaded. */
export class SynapseHistoryLoadEvent extends SynapseEvent<SynapseHistoryLoadDetail> {
  static readonly eventName = 'synapse-history-load';

  constructor(detail: SynapseHistoryLoadDetail) {
    super('synapse-history-load', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-history-load': SynapseHistoryLoadEvent;
  }
}
