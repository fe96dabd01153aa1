import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { ConnectionState, SynapseClient, SynapseError } from './index';
import { pageClient } from '@synapse-calling/test-utils/sdk/sdk-browser';
import { waitForEvent } from '@synapse-calling/test-utils/sdk/sdk-events';

const locked = inject('originLockedServer');
const secret = inject('jwtSecret');
const clients: SynapseClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  vi.restoreAllMocks();
});

describe('a page whose origin the server does not allow', () => {
  it('fails with origin-not-allowed once, stops retrying, and says disconnected', async () => {
    // The page runs on http://localhost:PORT; the server allows only http://127.0.0.1:PORT.
    expect(location.hostname).toBe('localhost');
    expect(locked.allowedOrigin).not.toBe(location.origin);
    const fetches = vi.spyOn(window, 'fetch');
    const client = pageClient(locked.url, secret, 'ann', {
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
    });
    clients.push(client);
    const errors: SynapseError[] = [];
    const states: ConnectionState[] = [];
    client.on('error', (err) => errors.push(err));
    client.on('connectionStateChanged', (state) => states.push(state));

    const err = await client.connect().then(
      () => {
        throw new Error('connected, but the origin should have been refused');
      },
      (e: unknown) => e as SynapseError,
    );
    expect(err.code).toBe('origin-not-allowed');
    expect(err.message).toContain(location.origin);
    expect(errors).toEqual([err]);
    expect(states).toEqual(['connecting', 'disconnected']);
    expect(client.connectionError).toBe(err);

    // It asked the server why once, and stopped: a reconnect after a refusal cannot succeed.
    const asked = () =>
      fetches.mock.calls.filter(([input]) => String(input).includes('/api/config'));
    expect(asked()).toHaveLength(1);
    const again = waitForEvent(client, 'connectionStateChanged', { timeoutMs: 500 }).then(
      () => 'changed',
      () => 'quiet',
    );
    expect(await again).toBe('quiet');
    expect(asked()).toHaveLength(1);
  });
});
