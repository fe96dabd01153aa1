import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ClientOptions, SynapseClient } from './index';
import type { PresenceStatus } from '@synapse-calling/protocol';
import { pageClient, uid } from '@synapse-calling/test-utils/sdk/sdk-browser';
import { waitUntil } from '@synapse-calling/test-utils/sdk/sdk-events';

const url = inject('serverUrl');
const secret = inject('jwtSecret');
const clients: SynapseClient[] = [];

function client(sub: string, options: Partial<ClientOptions> = {}): SynapseClient {
  const c = pageClient(url, secret, sub, options);
  clients.push(c);
  return c;
}

/** Makes the page report `state` (as a browser does when the tab is hidden or shown again). */
function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  // Drop the overrides: the prototype's real getters apply again.
  Reflect.deleteProperty(document, 'visibilityState');
  Reflect.deleteProperty(document, 'hidden');
});

/** Resolves once `watcher` sees `userId` with `status` (now or by a later presence change). */
function seen(watcher: SynapseClient, userId: string, status: PresenceStatus): Promise<unknown> {
  return waitUntil(
    (listener) => watcher.on('presenceChanged', listener),
    () => watcher.presence.get(userId)?.status === status,
    { what: `${userId} ${status} as seen by the watcher` },
  );
}

/** A user and a watcher of that user's presence, both connected, the user seen online. */
async function watchedUser(options: Partial<ClientOptions> = {}) {
  const userId = uid('ann');
  const user = client(userId, options);
  const watcher = client(uid('wes'));
  await Promise.all([user.connect(), watcher.connect()]);
  watcher.presence.watch(userId, () => undefined);
  await seen(watcher, userId, 'online');
  return { user, watcher, userId };
}

describe('auto-away', () => {
  it('shows the user away while the page is hidden, and online again once it is visible', async () => {
    expect(document.visibilityState).toBe('visible');
    const { user, watcher, userId } = await watchedUser();

    setVisibility('hidden');
    await seen(watcher, userId, 'away');
    expect(user.presence.idle).toBe(true);
    expect(user.presence.status).toBe('away');

    setVisibility('visible');
    await seen(watcher, userId, 'online');
    expect(user.presence.idle).toBe(false);
    expect(user.presence.status).toBe('online');
  });

  it('shows the user away after inactivity, and online again on input', async () => {
    const { user, watcher, userId } = await watchedUser({ idleTimeoutMs: 1_000 });

    await seen(watcher, userId, 'away');
    expect(user.presence.idle).toBe(true);

    // Input ends the idle state at once (it comes back after another idle timeout).
    const online = seen(watcher, userId, 'online');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await online;
  });
});
