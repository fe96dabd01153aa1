import type { Identity } from '../auth';

/** Who sent an event: the verified identity and the connection it came on. */
export interface Actor {
  identity: Identity;
  socketId: string;
  /** The connection of the same client this one replaces (it may not know it is dead yet). */
  replaces?: string;
}
