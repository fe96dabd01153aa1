import type { CallDirection, Party } from '@synapse-calling/sdk-core';

/** Which call a user action was about. */
export interface SynapseCallActionDetail {
  callId: string;
  direction: CallDirection;
  peer: Party;
}
