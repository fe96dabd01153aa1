import type { CallDirection, Party } from '../types';

/** Which call a user action was about. */
export interface SynapseCallActionDetail {
  callId: string;
  direction: CallDirection;
  peer: Party;
}
