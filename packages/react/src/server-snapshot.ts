import type { ClientSnapshot } from '@synapse-calling/sdk-core';

/**
 * What the hooks read during a server render and during hydration (`getServerSnapshot`): nothing
 * is known yet. A constant rather than the client's own snapshot, because in the browser the
 * client may already be connected when React hydrates (a client shared with other code), and the
 * first client render must match the HTML the server sent; React re-renders with the live
 * snapshot right after.
 */
export const SERVER_SNAPSHOT: ClientSnapshot = Object.freeze({
  connectionState: 'disconnected',
  connectionError: null,
  user: null,
  status: 'online',
  presence: Object.freeze({}),
  calls: Object.freeze([]),
  activeCall: null,
  incomingCalls: Object.freeze([]),
  lastEndedCall: null,
});
