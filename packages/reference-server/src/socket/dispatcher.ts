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
import { TokenBucket } from '../rate-limit';
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
  /** This connection's token bucket. */
  rateLimit: { perSecond: number; burst: number } | false;
  /** The budget this connection shares with the user's others (all nodes); absent when off. */
  userEvents: { budget: Budget; key: string } | undefined;
  metrics: Metrics;
  logger: Logger;
}

const RATE_LIMITED: Ack<object> = {
  ok: false,
  error: { code: 'rate-limited', message: 'too many events; slow down' },
};

/**
 * Wires one connection's events to the handlers: rate limits first (the connection's bucket,
 * then the user's budget), then the event's schema, then the handler; whatever happens the
 * client gets exactly one acknowledgement (if it sent a callback) and nothing escapes to crash
 * the process. Unknown events are ignored; they still use up the rate limits, like events
 * refused for their payload.
 */
export function attachHandlers(
  socket: CallSocket,
  handlers: Handlers,
  options: DispatcherOptions,
): void {
  const { metrics, logger, userEvents } = options;
  const bucket = options.rateLimit
    ? new TokenBucket(options.rateLimit.perSecond, options.rateLimit.burst)
    : undefined;

  if (bucket || userEvents) {
    socket.use((packet, next) => {
      // Not calling next() drops the event: no handler runs.
      const refuse = () => {
        const ack: unknown = packet.at(-1);
        if (typeof ack === 'function') safeAck(ack as AnyAck, RATE_LIMITED, logger);
      };
      if (bucket && !bucket.take()) {
        metrics.rateLimited.inc();
        return refuse();
      }
      if (!userEvents) return next();
      // Events reach the handlers in the order they came: the budget answers in order (one
      // memory map, or one Redis connection).
      void userEvents.budget.take(userEvents.key).then((verdict) => {
        if (verdict.ok) return next();
        metrics.limitRefusals.inc({ limit: 'user-events' });
        refuse();
      });
    });
  }

  for (const event of Object.keys(eventSchemas) as ClientEventName[]) {
    // Whatever the client sent, unvalidated: a listener taking unknown arguments fits every event.
    socket.on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => undefined;
      const payload = typeof args[0] === 'function' || args[0] === undefined ? {} : args[0];
      void dispatch(event, payload, ack);
    });
  }

  async function dispatch<E extends ClientEventName>(
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
}

function safeAck(ack: AnyAck, value: Ack<object>, logger: Logger): void {
  try {
    ack(value);
  } catch (err) {
    logger.warn({ err }, 'acknowledgement failed');
  }
}
