/**
 * Call transfer: an agent hands an active call to another agent, or to a line, without the other
 * party's call dropping (docs/lines.md, "Transfer"). Added to protocol v1 without a version bump:
 * older servers refuse `transfer-call` as an unknown event (no ack), older clients ignore the new
 * server events and fields.
 */
import type { Party, PresenceStatus } from './index';

export const TRANSFER_STATES = ['ringing', 'consulting'] as const;
/**
 * Where a transfer stands: `ringing` while the target agent's page rings; `consulting` (warm
 * transfers only, added in v1) once they answered and talk with the transferring agent while the
 * other party is on hold.
 */
export type TransferState = (typeof TRANSFER_STATES)[number];

export const TRANSFER_MODES = ['blind', 'warm'] as const;
/**
 * `blind`: the target's answer completes the transfer. `warm`: the target's answer starts a
 * consultation with the transferring agent, who then completes or cancels it. Added in v1.
 */
export type TransferMode = (typeof TRANSFER_MODES)[number];

/** A transfer in progress (`CallInfo.transfer`). */
export interface CallTransfer {
  state: TransferState;
  /** Set by servers that know warm transfer (added in v1); absent means `blind`. */
  mode?: TransferMode;
  /** When the target answered a warm transfer and the consultation began (ms since the epoch). */
  consultingSince?: number;
  /** The agent handing the call over; they stay in the call until the target answers. */
  by: Party;
  /** The agent it rings. */
  to: Party;
  /** Set when the call was transferred to a line: the line that picked `to`. */
  line?: string;
  /** When the transfer started (ms since the epoch). */
  startedAt: number;
}

/** One stretch of a transferred call (`CallInfo.legs`): who was on the transferred side, when. */
export interface CallLeg {
  party: Party;
  /** When this party joined the call (ms since the epoch). */
  from: number;
  /** When they left it; absent for the last leg until the call ends (then `endedAt`). */
  until?: number;
}

/** `transfer-call`: give the call to one agent (`to`) or a line (`toLine`), not both. */
export interface TransferCallPayload {
  callId: string;
  /** User id of an agent of the same tenant. */
  to?: string;
  /** Line id (same tenant); the line's strategy picks an available agent. */
  toLine?: string;
  /** `blind` (default) or `warm` (docs/lines.md, "Warm transfer"). Added in v1. */
  mode?: TransferMode;
}

/**
 * `GET /api/transfer-targets` (agents only): whom an agent may transfer a call to — the agents of
 * the tenant's lines (not the asker) with their presence, and the lines with how many agents are
 * available. What the transfer controls of `<synapse-active-call>` list.
 */
export interface TransferTargetsResponse {
  agents: Array<{ id: string; name: string; status: PresenceStatus }>;
  lines: Array<{ id: string; name: string; agentsAvailable: number }>;
}
