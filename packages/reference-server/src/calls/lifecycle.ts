import type { CallInfo } from '@synapse-calling/protocol';
import type { CallRecord } from '../stores/types';

/**
 * What else follows a call's life (call recording): told when a call becomes active and when it
 * ends, and asked how the ended call should read. Passed to the CallManager at construction;
 * its methods must not throw and must not hold the call up (work goes on in the background).
 */
export interface CallLifecycle {
  /** The call was answered (its `call.accepted` is logged). */
  callActive(record: CallRecord): void;
  /** The ended call as it is stored and sent, given the ended call (`at` is its end). */
  ending(call: CallInfo, at: number): CallInfo;
  /** The call ended (logged and fanned out). */
  callEnded(record: CallRecord): void;
}
