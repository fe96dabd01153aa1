import type { Logger } from 'pino';
import type {
  Ack,
  ClientEventName,
  ClientEventPayload,
  ClientEventResult,
  ProtocolError,
} from '@synapse-calling/protocol';
import { describeIssues, eventSchemas } from '@synapse-calling/protocol/schemas';
import { ProtocolFailure } from '../errors';
import type { Metrics } from '../metrics';
import type { Budget } from '../limits/budget';
import type { TokenBucket } from '../rate-limit';
import { RefusedPayload } from './parser';
import type { CallSocket } from './types';

export type Handlers = {
  [E in ClientEventName]: (
    socket: CallSocket,
    payload: ClientEventPayload<E>,
  ) => Promise<ClientEventResult<E>>;
};

type AnyAck = (ack: Ack<object>) => void;

export interface DispatcherOptions {
  /** The budget a user's connections share (on all nodes); absent when off. */
  userEvents: Budget | undefined;
  metrics: Metrics;
  logger: Logger;
}

/** What limits one connection's events. */
export interface ConnectionLimits {
  /** The connection's own token bucket; absent when the per-connection limit is off. */
  bucket: TokenBucket | undefined;
  /** The key of the user's budget (`userKey`). */
  userKey: string | undefined;
}

const RATE_LIMITED: Ack<object> = {
  ok: false,
  error: { code: 'rate-limited', message: 'too many events; slow down' },
};

const EVENT_NAMES: ReadonlySet<string> = new Set(Object.keys(eventSchemas));
const isClientEvent = (name: unknown): name is ClientEventName =>
  typeof name === 'string' && EVENT_NAMES.has(name);

/**
 * Wires connections' events to the handlers: rate limits first (the connection's bucket, then
 * the user's budget), then the event's schema, then the handler; whatever happens the client
 * gets exactly one acknowledgement (if it sent a callback) and nothing escapes to crash the
 * process. Unknown events are ignored; they still use up the rate limits, like events refused
 * for their payload.
 *
 * Each connection gets one function, a Socket.IO middleware that sees every event and hands it
 * to the handler itself, rather than a listener per event: with thousands of idle connections,
 * the listeners (a closure each, and a table of them per connection) were a large part of what
 * each connection cost.
 */
export function createDispatcher(
  handlers: Handlers,
  options: DispatcherOptions,
): (socket: CallSocket, limits: ConnectionLimits) => void {
  const { metrics, logger, userEvents } = options;

  /** One packet as the middleware sees it: `[event, ...arguments, ack?]`. */
  function receive(socket: CallSocket, packet: unknown[], limits: ConnectionLimits): void {
    const last = packet.at(-1);
    const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : noAck;
    if (limits.bucket && !limits.bucket.take()) {
      metrics.rateLimited.inc();
      return safeAck(ack, RATE_LIMITED, logger);
    }
    if (!userEvents || limits.userKey === undefined) return route(socket, packet, ack);
    // Events reach the handlers in the order they came: the budget answers in order (one
    // memory map, or one Redis connection).
    void userEvents.take(limits.userKey).then((verdict) => {
      if (verdict.ok) return route(socket, packet, ack);
      metrics.limitRefusals.inc({ limit: 'user-events' });
      safeAck(ack, RATE_LIMITED, logger);
    });
  }

  function route(socket: CallSocket, packet: unknown[], ack: AnyAck): void {
    const [event, first] = packet;
    // As Socket.IO itself does, an event that gets through after the connection closed is dropped.
    if (!isClientEvent(event) || !socket.connected) return;
    // Whatever the client sent, unvalidated; the schema checks it.
    const payload = typeof first === 'function' || first === undefined ? {} : first;
    void dispatch(socket, event, payload, ack);
  }

  async function dispatch<E extends ClientEventName>(
    socket: CallSocket,
    event: E,
    payload: unknown,
    ack: AnyAck,
  ): Promise<void> {
    const stop = metrics.handling.startTimer({ event });
    let outcome = 'ok';
    try {
      if (payload instanceof RefusedPayload) {
        throw new ProtocolFailure('invalid-payload', payload.problem);
      }
      const parsed = eventSchemas[event].safeParse(payload);
      if (!parsed.success) {
        throw new ProtocolFailure('invalid-payload', describeIssues(parsed.error));
      }
      const handler = handlers[event] as (
        s: CallSocket,
        p: ClientEventPayload<E>,
      ) => Promise<object>;
      const result = await handler(socket, parsed.data);
      ack({ ok: true, ...result });
    } catch (err) {
      let error: ProtocolError;
      if (err instanceof ProtocolFailure) {
        error = err.toJSON();
      } else {
        logger.error({ err, event }, 'handler failed');
        error = { code: 'internal', message: 'internal error' };
      }
      outcome = error.code;
      safeAck(ack, { ok: false, error }, logger);
    } finally {
      stop({ outcome });
    }
  }

  // Never calling next(): the event is handled here, so no listener ever sees it.
  return (socket, limits) => socket.use((packet) => receive(socket, packet, limits));
}

const noAck: AnyAck = () => undefined;

function safeAck(ack: AnyAck, value: Ack<object>, logger: Logger): void {
  try {
    ack(value);
  } catch (err) {
    logger.warn({ err }, 'acknowledgement failed');
  }
}
