import type { CallRecord, PartySide } from '../stores/types';

/** Which side of the call `userId` is on; `undefined` when they are not a party of it. */
export const sideOf = (record: CallRecord, userId: string): PartySide | undefined =>
  record.call.from.id === userId ? 'caller' : record.call.to.id === userId ? 'callee' : undefined;

export const otherSide = (side: PartySide): PartySide => (side === 'caller' ? 'callee' : 'caller');
