import { SynapseEvent } from './base';

export interface SynapseRingtoneChangeDetail {
  ringing: boolean;
}

/** Fired when the ringtone starts or stops. */
export class SynapseRingtoneChangeEvent extends SynapseEvent<SynapseRingtoneChangeDetail> {
  static readonly eventName = 'synapse-ringtone-change';

  constructor(detail: SynapseRingtoneChangeDetail) {
    super('synapse-ringtone-change', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-ringtone-change': SynapseRingtoneChangeEvent;
  }
}
