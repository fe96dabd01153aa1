import type { CallDeadlines, CallRecord, PartySide } from './types';

type DeadlineKind = keyof CallDeadlines;

/**
 * The record with one party's deadline of `kind` set to `at`, or removed when `at` is undefined
 * (an empty `deadlines` is dropped, so that records without timers stay as they were).
 */
export function withDeadline(
  record: CallRecord,
  kind: DeadlineKind,
  side: PartySide,
  at: number | undefined,
): CallRecord {
  const deadlines: CallDeadlines = { ...record.deadlines };
  const forKind = { ...deadlines[kind] };
  if (at === undefined) delete forKind[side];
  else forKind[side] = at;
  if (Object.keys(forKind).length > 0) deadlines[kind] = forKind;
  else delete deadlines[kind];
  const next: CallRecord = { ...record };
  if (Object.keys(deadlines).length > 0) next.deadlines = deadlines;
  else delete next.deadlines;
  return next;
}

/**
 * The record with `side` carried by `socketId`: a connection that takes the call over ends the
 * party's reconnect grace; a release (null) starts it, due at `graceUntil`.
 */
export function withSocket(
  record: CallRecord,
  side: PartySide,
  socketId: string | null,
  graceUntil: number | undefined,
): CallRecord {
  const next = withDeadline(record, 'grace', side, socketId === null ? graceUntil : undefined);
  return { ...next, sockets: { ...record.sockets, [side]: socketId } };
}
