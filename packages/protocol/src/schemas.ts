/**
 * One zod schema per client→server event of protocol v1. A server validates every payload with
 * these before any handler sees it, so a malformed payload can never reach the state machine;
 * a third-party client can use them to check what it sends. Imported as
 * `@synapse-calling/protocol/schemas` (needs `zod`, an optional peer dependency).
 */
import { z } from 'zod';
import { LIMITS, SETTABLE_STATUSES, type ClientEventName, type ClientEventPayload } from './index';

const id = z.string().min(1).max(LIMITS.maxIdLength);

const utf8 = new TextEncoder();
const byteLength = (value: unknown): number => utf8.encode(JSON.stringify(value) ?? '').length;

const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => byteLength(value) <= LIMITS.maxMetadataBytes, {
    message: `metadata must be at most ${LIMITS.maxMetadataBytes} bytes of JSON`,
  });

const userIds = z.array(id).max(LIMITS.maxPresenceIds);

const description = z.object({
  type: z.enum(['offer', 'answer', 'rollback', 'pranswer']),
  sdp: z.string().exactOptional(),
});

const candidate = z
  .object({
    candidate: z.string(),
    sdpMid: z.string().nullable().exactOptional(),
    sdpMLineIndex: z.number().int().nullable().exactOptional(),
    usernameFragment: z.string().nullable().exactOptional(),
  })
  .nullable();

const signal = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('description'), description }),
    z.object({ type: z.literal('candidate'), candidate }),
    z.object({ type: z.literal('hangup-media') }),
  ])
  .refine((value) => byteLength(value) <= LIMITS.maxSignalBytes, {
    message: `signal must be at most ${LIMITS.maxSignalBytes} bytes of JSON`,
  });

type Schemas = { [E in ClientEventName]: z.ZodType<ClientEventPayload<E>> };

// A missing payload (`socket.emit('heartbeat', ack)`) is treated as `{}` by the dispatcher.
export const eventSchemas: Schemas = {
  'initiate-call': z.object({ to: id, metadata: metadata.exactOptional() }),
  'accept-call': z.object({ callId: id }),
  'reject-call': z.object({
    callId: id,
    reason: z.string().max(LIMITS.maxReasonLength).exactOptional(),
  }),
  'end-call': z.object({ callId: id }),
  'set-status': z.object({ status: z.enum(SETTABLE_STATUSES) }),
  'subscribe-presence': z.object({ userIds }),
  'unsubscribe-presence': z.object({ userIds }),
  heartbeat: z.object({ idle: z.boolean().exactOptional() }),
  sync: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  'media-signal': z.object({ callId: id, signal }),
  'start-recording': z.object({ callId: id }),
  'stop-recording': z.object({ callId: id }),
  'recording-consent': z.object({ callId: id, accept: z.boolean() }),
};

/** Turns zod's issues into one short line for the error ack. */
export function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${path}${first.message}`;
}
