import { SynapseEvent } from './base';

export interface SynapseMuteChangeDetail {
  callId: string;
  muted: boolean;
}

/** Fired when the microphone of the active call is muted or unmuted. */
export class SynapseMuteChangeEvent extends SynapseEvent<SynapseMuteChangeDetail> {
  static readonly eventName = 'synapse-mute-change';

  constructor(detail: SynapseMuteChangeDetail) {
    super('synapse-mute-change', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-mute-change': SynapseMuteChangeEvent;
  }
}
