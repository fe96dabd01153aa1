import { SynapseEvent } from './base';

export interface SynapseCallStartDetail {
  /** Whom the call goes to (empty for a call to a line). */
  userId: string;
  /** The support line called (`<synapse-call-button line>`), if it is a call to a line. */
  line?: string;
  /** Display name shown for them, if known. */
  name?: string;
  /** Metadata that will travel with the call. */
  metadata?: Record<string, unknown> | undefined;
}

/** Fired before a call is placed. Cancelable: `preventDefault()` vetoes the call. */
export class SynapseCallStartEvent extends SynapseEvent<SynapseCallStartDetail> {
  static readonly eventName = 'synapse-call-start';

  constructor(detail: SynapseCallStartDetail) {
    super('synapse-call-start', detail, true);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-start': SynapseCallStartEvent;
  }
}
