// Issue 19 point 6: SIGTERM drains a node. Three nodes behind nginx (PostgreSQL + Redis), live
// calls between clients that connect only through nginx; each node in turn gets SIGTERM and is
// started again. Every client is moved, resumes its call on another node through `sync`, and
// no call ends or rings again. Runs the built bin: `npm run build` first.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emitAck,
  placeLiveCalls,
  startCluster,
  waitFor,
  type ResumingClient,
  type TestCluster,
} from '@synapse-calling/test-utils/server';

const PAIRS = 6;
let cluster: TestCluster;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    env: { SYNAPSE_RECONNECT_GRACE_MS: '10000', SYNAPSE_DRAIN_TIMEOUT_MS: '15000' },
  });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

/**
 * `client` carries `callId`: connected, and either still on the connection that set the call up
 * or its latest `sync` shows the call active and carried by it (media included).
 */
function resumed(client: ResumingClient, callId: string): boolean {
  if (!client.socket.connected) return false;
  if (client.connections() === 1) return true;
  const synced = client.syncs.at(-1)?.calls.find((c) => c.call.id === callId);
  return synced?.call.state === 'active' && synced.media !== undefined;
}

describe('rolling restart behind nginx', () => {
  it('restarts the three nodes one after another during live calls: no call ends, none rings again', async () => {
    const calls = await placeLiveCalls(cluster.url, PAIRS, clients);

    const drains: number[] = [];
    for (const node of cluster.nodes) {
      const before = Date.now();
      expect(await node.restart()).toBe(0); // drained and exited cleanly
      drains.push(Date.now() - before);
      await waitFor(() => calls.every((c) => resumed(c.caller, c.id) && resumed(c.callee, c.id)), {
        timeoutMs: 20_000,
        what: 'every party to resume its call',
      }).catch(async (err: unknown) => {
        const state = clients.map(
          (c) =>
            `${c.userId}: connected ${c.socket.connected}, ${c.connections()} connections, ` +
            `last sync ${JSON.stringify(c.syncs.at(-1)?.calls.map((s) => [s.call.state, !!s.media]))}` +
            ` errors ${c.connectErrors.slice(-3).join(', ')}`,
        );
        const logs = cluster.nodes.map((n) => `node ${n.port}:\n${n.logs()}`);
        const db = new pg.Client({ connectionString: cluster.databaseUrl });
        await db.connect();
        const rows = await db.query(
          'SELECT from_id, state, end_reason, ended_by, ended_at - answered_at AS lasted FROM synapse_calls',
        );
        await db.end();
        logs.push(JSON.stringify(rows.rows), cluster.nginx.errors());
        throw new Error(`${(err as Error).message}\n${state.join('\n')}\n${logs.join('\n')}`);
      });
    }

    // Every client was on one of the restarted nodes, so each was moved at least once.
    for (const client of clients) expect(client.connections()).toBeGreaterThan(1);
    for (const { caller, callee, id } of calls) {
      expect(caller.ended).toEqual([]);
      expect(callee.ended).toEqual([]);
      expect(callee.incoming).toEqual([id]); // rang once, before the restarts
    }
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    try {
      const active = await db.query<{ id: string }>(
        "SELECT id FROM synapse_calls WHERE state = 'active' ORDER BY id",
      );
      expect(active.rows.map((r) => r.id)).toEqual(calls.map((c) => c.id).sort());
      // The calls still work: each ends once, completed, on whichever node carries it now.
      for (const { caller, id } of calls) {
        expect((await emitAck(caller.socket, 'end-call', { callId: id })).ok).toBe(true);
      }
      const ended = await db.query<{ end_reason: string; n: string }>(
        "SELECT end_reason, count(*) AS n FROM synapse_calls WHERE state = 'ended' GROUP BY 1",
      );
      expect(ended.rows).toEqual([{ end_reason: 'completed', n: String(PAIRS) }]);
    } finally {
      await db.end();
    }
    console.info(
      `rolling restart: node restart (drain + exit + start) took ${drains.join(', ')} ms`,
    );
  }, 120_000);
});
