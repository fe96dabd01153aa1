/**
 * Keys and Socket.IO room names. Tenant and user ids come from tokens and may contain any
 * character, so each part is URI-encoded: otherwise tenant `a:b` + user `c` and tenant `a` +
 * user `b:c` would share a room and leak events across tenants.
 */
const part = (value: string): string => encodeURIComponent(value);

/** Key of a user within a tenant, for maps and stores. */
export const userKey = (tenant: string, userId: string): string =>
  `${part(tenant)}:${part(userId)}`;

/** Room holding every connection of one user. */
export const userRoom = (tenant: string, userId: string): string =>
  `user:${userKey(tenant, userId)}`;

/** Room of the connections that subscribed to one user's presence. */
export const presenceRoom = (tenant: string, userId: string): string =>
  `presence:${userKey(tenant, userId)}`;

/**
 * Room of the connections watching an id nobody had used yet when they subscribed: whether they
 * may see that user is decided when the user first appears.
 */
export const pendingPresenceRoom = (tenant: string, userId: string): string =>
  `presence-pending:${userKey(tenant, userId)}`;
