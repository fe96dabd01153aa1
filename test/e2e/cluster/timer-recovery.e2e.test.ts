// Issue 19 point 2 (no call left behind): `kill -9` of the node that holds a call's reconnect
// grace timer. The deadline is stored with the call in Redis, so the surviving node ends the call
// when it is due, once, with one reason, as the timer would have. Runs the built bin: `npm run
// build` first.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  agent,
  emitAck,
  resumingClient,
  startCluster,
  waitFor,
  type ResumingClient,
  type TestCluster,
} from '@synapse-calling/test-utils/server';

const GRACE_MS = 4_000;
/** The default heartbeat TTL: the recovery pass runs every third of it, a third late. */
const NODE_TTL_MS = 7_500;
let cluster: TestCluster;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 2,
    env: { SYNAPSE_RECONNECT_GRACE_MS: String(GRACE_MS) },
  });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

it('a call whose grace timer died with its node ends on time on the survivor', async () => {
  const [survivor, doomed] = cluster.nodes as [
    (typeof cluster.nodes)[0],
    (typeof cluster.nodes)[0],
  ];
  // Straight to the nodes, not through nginx: which node holds what must be known.
  const alice = await resumingClient(`http://127.0.0.1:${survivor.port}`, agent('alice'));
  const bob = await resumingClient(`http://127.0.0.1:${doomed.port}`, agent('bob'));
  clients.push(alice, bob);
  const placed = await emitAck(alice.socket, 'initiate-call', { to: 'bob' });
  if (!placed.ok) throw new Error(placed.error.code);
  await waitFor(() => bob.incoming.includes(placed.call.id), { what: 'the ring' });
  expect(await emitAck(bob.socket, 'accept-call', { callId: placed.call.id })).toMatchObject({
    ok: true,
  });

  // bob's tab goes away for good: the doomed node starts his grace timer, then dies.
  const leftAt = Date.now();
  bob.close();
  await new Promise((r) => setTimeout(r, 500));
  await doomed.kill();

  await waitFor(() => alice.ended.includes(placed.call.id), {
    timeoutMs: 30_000,
    what: 'the survivor to end the call',
  });
  const endedAfterMs = Date.now() - leftAt;
  // Due at GRACE_MS; the survivor acts a third of the TTL late, at its next heartbeat.
  expect(endedAfterMs).toBeGreaterThanOrEqual(GRACE_MS);
  expect(endedAfterMs).toBeLessThan(GRACE_MS + (2 * NODE_TTL_MS) / 3 + 3_000);

  const db = new pg.Client({ connectionString: cluster.databaseUrl });
  await db.connect();
  try {
    const rows = await db.query<{ state: string; end_reason: string; ended_by: string }>(
      'SELECT state, end_reason, ended_by FROM synapse_calls WHERE id = $1',
      [placed.call.id],
    );
    expect(rows.rows).toEqual([{ state: 'ended', end_reason: 'disconnected', ended_by: 'bob' }]);
  } finally {
    await db.end();
  }
  expect(alice.ended.filter((id) => id === placed.call.id)).toHaveLength(1);
  console.info(`grace timer on a killed node: the call ended ${endedAfterMs} ms after the drop`);
}, 60_000);
