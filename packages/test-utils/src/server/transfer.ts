import type { CallInfo } from '@synapse-calling/protocol';
import type { CallEvent } from '@synapse-calling/reference-server';
import { useTestServer, type TestServerFixture } from './fixtures';
import { agent, customer, emitAck, ringCall, type TestClient } from './server';

/** The people of a transfer test: Carol (customer) talks with Alice (agent); Bob (agent) is online. */
export interface TransferParties {
  carol: TestClient;
  alice: TestClient;
  bob: TestClient;
  /** The active call between Carol and Alice. */
  call: CallInfo;
}

/** Connects a user and waits until the server counts them as connected (online). */
export async function connectOnline(
  server: Pick<TestServerFixture, 'connect'>,
  claims: Parameters<TestServerFixture['connect']>[0],
): Promise<TestClient> {
  const client = await server.connect(claims);
  const synced = await emitAck(client, 'sync', {});
  if (!synced.ok) throw new Error(synced.error.code);
  return client;
}

/** Carol (tenant acme) calls Alice, who answers; Bob is online, ready to be transferred to. */
export async function transferParties(
  server: Pick<TestServerFixture, 'connect'>,
): Promise<TransferParties> {
  const carol = await connectOnline(server, customer('carol', 'acme', 'Carol Chen'));
  const alice = await connectOnline(server, agent('alice', 'acme', 'Alice'));
  const bob = await connectOnline(server, agent('bob', 'acme', 'Bob'));
  const call = await ringCall(carol, alice, 'alice');
  const accepted = await emitAck(alice, 'accept-call', { callId: call.id });
  if (!accepted.ok) throw new Error(accepted.error.code);
  return { carol, alice, bob, call: accepted.call };
}

/**
 * The server of the transfer tests (tenant acme's `support` line of Alice and Bob, no line
 * cooldown, a short presence grace), started per test, with what the tests share: the call
 * events it emitted (`activeCall()` clears them), `online()` and `activeCall()`.
 */
export function useTransferServer() {
  const events: CallEvent[] = [];
  const server = useTestServer({
    lines: { acme: { support: { name: 'Support', members: ['alice', 'bob'] } } },
    lineCooldownMs: 0,
    presenceGraceMs: 200,
    onCallEvent: (e) => void events.push(e),
  });
  return {
    server,
    events,
    online: (claims: Parameters<TestServerFixture['connect']>[0]) => connectOnline(server, claims),
    /** Carol (a customer) in an active call with Alice (an agent); Bob, another agent, is online. */
    activeCall(): Promise<TransferParties> {
      events.length = 0;
      return transferParties(server);
    },
  };
}
