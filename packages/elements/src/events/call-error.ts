import { SynapseEvent } from './base';

export interface SynapseCallErrorDetail {
  error: unknown;
  /** `SynapseError.code` when the SDK gave one (`busy`, `offline`, `forbidden`…). */
  code?: string | undefined;
  /** What was being done: `call`, `accept`, `decline`, `end`, `mute`, `device`, `history`. */
  action: string;
}

/** Fired when an action (call, accept, end, device change) fails. */
export class SynapseCallErrorEvent extends SynapseEvent<SynapseCallErrorDetail> {
  static readonly eventName = 'synapse-call-error';

  constructor(detail: SynapseCallErrorDetail) {
    super('synapse-call-error', detail);
  }

  /** The event for `error` thrown by `action`, with the SDK's error code when it has one. */
  static from(error: unknown, action: string): SynapseCallErrorEvent {
    const code = (error as { code?: unknown } | null)?.code;
    return new SynapseCallErrorEvent({
      error,
      action,
      code: typeof code === 'string' ? code : undefined,
    });
  }
}

declare global {
  interface HTMLElementEventMap {
    'synapse-call-error': SynapseCallErrorEvent;
  }
}
