import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { CallInfo } from '@synapse-calling/protocol';
import {
  agent,
  connectClient,
  customer,
  emitAck,
  mintTestToken,
  TEST_JWT_SECRET,
  useSynapseBin,
} from '@synapse-calling/test-utils/server';

const bin = useSynapseBin();
const dataDir = mkdtempSync(join(tmpdir(), 'synapse-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The bin as users run it: only the secret and where to keep its data (SQLite). */
const serve = () =>
  bin.run({
    SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
    SYNAPSE_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
  });

async function history(url: string, token: string): Promise<CallInfo[]> {
  const res = await fetch(`${url}/api/calls`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { calls: CallInfo[] }).calls;
}

// The call log writes in groups (one SQLite transaction per turn of the event loop), yet an ack
// is sent only once its write is committed: what a client was told survives a crash.
it('a call acknowledged the instant before kill -9 is in the call log after the restart', async () => {
  const first = serve();
  const url = await first.listening();
  const carolToken = await mintTestToken(customer('carol'));
  const carol = await connectClient(url, carolToken);
  const bob = await connectClient(url, await mintTestToken(agent('bob')));
  const daveToken = await mintTestToken(agent('dave'));
  const dave = await connectClient(url, daveToken);
  const erin = await connectClient(url, await mintTestToken(customer('erin')));

  const answered = await emitAck(carol, 'initiate-call', { to: 'bob' });
  if (!answered.ok) throw new Error(answered.error.message);
  const accepted = await emitAck(bob, 'accept-call', { callId: answered.call.id });
  if (!accepted.ok) throw new Error(accepted.error.message);
  // Ringing, and killed the moment the ack arrives: no later write can have carried it.
  const ringing = await emitAck(dave, 'initiate-call', { to: 'erin' }).catch(() => undefined);
  first.child.kill('SIGKILL');
  await first.exited;
  for (const c of [carol, bob, dave, erin]) c.close();
  if (!ringing?.ok) throw new Error('the second call was not acknowledged before the crash');

  const second = serve();
  const url2 = await second.listening();
  const calls = [...(await history(url2, carolToken)), ...(await history(url2, daveToken))];
  const byId = new Map(calls.map((c) => [c.id, c]));
  // The answered call comes back active (its parties have the grace window to resume it).
  expect(byId.get(answered.call.id)).toMatchObject({ state: 'active', to: { id: 'bob' } });
  expect(byId.get(answered.call.id)?.answeredAt).toEqual(expect.any(Number));
  // The call that was ringing ends `failed` at the restart, but it is there.
  expect(byId.get(ringing.call.id)).toMatchObject({ state: 'ended', endReason: 'failed' });
});
