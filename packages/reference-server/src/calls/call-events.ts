import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerEventName, ServerEventPayload } from '@synapse-calling/protocol';
import type { CallEvent, CallEventType } from '../options';
import type { CallLog, CallRecord } from '../stores/types';

/** Where call-related server events go; implemented over the Socket.IO namespace. */
export interface CallEmitter {
  /** To every connection of one user (on every node), except `exceptSocketId` if given. */
  toUser<E extends ServerEventName>(
    tenant: string,
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
    exceptSocketId?: string,
  ): void;
  /** To one connection (on whichever node holds it). */
  toSocket<E extends ServerEventName>(
    socketId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void;
  /** Whether a socket id still belongs to a live connection (on any node, with Redis). */
  isConnected(socketId: string): boolean | Promise<boolean>;
}

/**
 * After each transition: write the call log row, then tell the host (hook and/or webhook).
 * Host hooks run detached and their failures are only logged: a slow CRM must not hold up a
 * ringing phone.
 */
export class CallRecorder {
  constructor(
    private readonly callLog: CallLog,
    private readonly onEvent: ((event: CallEvent) => void | Promise<void>) | undefined,
    private readonly logger: Logger,
  ) {}

  async record(record: CallRecord, type?: CallEventType): Promise<void> {
    const { call } = record;
    const durationMs =
      call.state === 'ended' ? (call.answeredAt ? (call.endedAt ?? 0) - call.answeredAt : 0) : null;
    await this.callLog.write({
      tenant: record.tenant,
      call,
      media: record.media,
      room: record.room,
      durationMs,
    });
    if (!type || !this.onEvent) return;
    const event: CallEvent = {
      id: randomUUID(),
      type,
      call,
      tenant: record.tenant,
      at: Date.now(),
    };
    const onEvent = this.onEvent;
    void Promise.resolve()
      .then(() => onEvent(event))
      .catch((err: unknown) => this.logger.error({ err, type }, 'onCallEvent hook failed'));
  }
}
