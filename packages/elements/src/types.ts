/** The sdk-core types the elements use, under the names the elements' code reads best with. */
import type { CallListResponse } from '@synapse-calling/sdk-core';

export type {
  Call as ElementsCall,
  CallDirection,
  CallEndReason,
  CallQuality,
  ClientCallState as CallState,
  ConnectionState,
  Party,
  Presence,
  PresenceStatus,
  SynapseClient as ElementsClient,
} from '@synapse-calling/sdk-core';

/** A call record as the server's history lists it. */
export type WireCall = CallListResponse['calls'][number];

export type Unsubscribe = () => void;
