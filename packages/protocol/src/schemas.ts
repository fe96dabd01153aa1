/**
 * One zod schema per client→server event of protocol v1. A server validates every payload with
 * these before any handler sees it, so a malformed payload can never reach the state machine;
 * a third-party client can use them to check what it sends. Imported as
 * `@synapse-calling/protocol/schemas` (needs `zod`, an optional peer dependency).
 */
import { z } from 'zod';
import {
  LIMITS,
  MEDIA_END_REASONS,
  SETTABLE_STATUSES,
  TRANSFER_MODES,
  type ClientEventName,
  type ClientEventPayload,
} from './index';

const id = z.string().min(1).max(LIMITS.maxIdLength);

/**
 * Bounds on the shape of every payload, checked before anything walks it recursively or
 * serialises it, so that refusing a payload costs about the same whatever it holds. No event of
 * protocol v1 needs more than a few levels or more than a few hundred values (500 presence ids,
 * or a 2 KB metadata object); a frame of 64 KB could otherwise hold 30,000 levels of nesting
 * (which overflows a recursive JSON.stringify) or tens of thousands of values.
 */
export const PAYLOAD_SHAPE = {
  /** Most levels of objects and arrays, the payload itself being the first. */
  maxDepth: 16,
  /** Most values in total: objects, arrays, their members, the payload itself. */
  maxValues: 2048,
} as const;

/**
 * Why `value` is out of bounds, or `undefined` when it is within them: binary data (a Socket.IO
 * attachment arrives as a Buffer, which JSON would serialise as one number per byte), deeper
 * than `PAYLOAD_SHAPE.maxDepth`, or more than `PAYLOAD_SHAPE.maxValues` values. Iterative and
 * stops at the first problem, so its cost is bounded by the limits, not by the input.
 *
 * @example
 * payloadShapeProblem({ metadata: { file: new Uint8Array(8) } }); // 'binary data is not accepted'
 * payloadShapeProblem({ to: 'bob' }); // undefined
 */
export function payloadShapeProblem(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  let values = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (++values > PAYLOAD_SHAPE.maxValues) {
      return `more than ${PAYLOAD_SHAPE.maxValues} values`;
    }
    const current = next.value;
    if (typeof current !== 'object' || current === null) continue;
    if (isBinary(current)) return 'binary data is not accepted';
    if (next.depth > PAYLOAD_SHAPE.maxDepth) {
      return `nested deeper than ${PAYLOAD_SHAPE.maxDepth} levels`;
    }
    for (const member of Object.values(current)) {
      pending.push({ value: member, depth: next.depth + 1 });
    }
  }
  return undefined;
}

function isBinary(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/** `schema`, reached only by payloads within `PAYLOAD_SHAPE`. */
function bounded<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const problem = payloadShapeProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    })
    .pipe(schema);
}

const utf8 = new TextEncoder();
// Only ever called on values already within PAYLOAD_SHAPE, so serialising them is cheap.
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
    z.object({
      type: z.literal('renegotiate'),
      addVideo: z.number().int().min(0).max(2).optional(),
    }),
  ])
  .refine((value) => byteLength(value) <= LIMITS.maxSignalBytes, {
    message: `signal must be at most ${LIMITS.maxSignalBytes} bytes of JSON`,
  });

const directCall = z.object({ to: id, metadata: metadata.exactOptional() });
const lineCall = z.object({ toLine: id, metadata: metadata.exactOptional() });

/**
 * A payload with a `toLine` key is a line call, any other a direct call, so that v1 clients'
 * payloads are checked (and refused with the same messages) exactly as before lines existed.
 */
const initiateCall: z.ZodType<ClientEventPayload<'initiate-call'>> = z
  .unknown()
  .transform((value, ctx) => {
    const toLine = typeof value === 'object' && value !== null && 'toLine' in value;
    if (toLine && 'to' in value) {
      ctx.addIssue({ code: 'custom', message: 'set either to or toLine, not both', input: value });
      return z.NEVER;
    }
    const parsed = (toLine ? lineCall : directCall).safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  });

type Schemas = { [E in ClientEventName]: z.ZodType<ClientEventPayload<E>> };

// A missing payload (`socket.emit('heartbeat', ack)`) is treated as `{}` by the dispatcher.
// Every schema checks the payload's shape first (`bounded`), before zod or a size check walks it.
export const eventSchemas: Schemas = {
  'initiate-call': bounded(initiateCall),
  'accept-call': bounded(z.object({ callId: id })),
  'reject-call': bounded(
    z.object({
      callId: id,
      reason: z.string().max(LIMITS.maxReasonLength).exactOptional(),
    }),
  ),
  'end-call': bounded(z.object({ callId: id, reason: z.enum(MEDIA_END_REASONS).exactOptional() })),
  'set-status': bounded(z.object({ status: z.enum(SETTABLE_STATUSES) })),
  'subscribe-presence': bounded(z.object({ userIds })),
  'unsubscribe-presence': bounded(z.object({ userIds })),
  heartbeat: bounded(z.object({ idle: z.boolean().exactOptional() })),
  sync: bounded(z.object({}) as unknown as z.ZodType<Record<string, never>>),
  'media-signal': bounded(z.object({ callId: id, signal, consult: z.boolean().exactOptional() })),
  'start-recording': bounded(z.object({ callId: id })),
  'stop-recording': bounded(z.object({ callId: id })),
  'recording-consent': bounded(z.object({ callId: id, accept: z.boolean() })),
  'media-changed': bounded(
    z.object({ callId: id, audio: z.boolean(), video: z.boolean(), screen: z.boolean() }),
  ),
  'transfer-call': bounded(
    z
      .object({
        callId: id,
        to: id.exactOptional(),
        toLine: id.exactOptional(),
        mode: z.enum(TRANSFER_MODES).exactOptional(),
      })
      .refine((value) => (value.to === undefined) !== (value.toLine === undefined), {
        message: 'set either to or toLine',
      }),
  ),
  'cancel-transfer': bounded(z.object({ callId: id })),
  'complete-transfer': bounded(z.object({ callId: id })),
};

/** Turns zod's issues into one short line for the error ack. */
export function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${path}${first.message}`;
}
