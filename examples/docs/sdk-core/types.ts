// #region types
import type { CallInfo, EndReason, Presence } from '@synapse-calling/sdk-core'; // wire types
import type { CallEndReason, CallSnapshot } from '@synapse-calling/sdk-core'; // the client's
// #endregion types

export type Used = [CallInfo, EndReason, Presence, CallEndReason, CallSnapshot];
