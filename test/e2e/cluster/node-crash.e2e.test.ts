// Issue 19 point 2 (dead-node detection) behind nginx: kill -9 of a node during live calls. The
// survivors notice the dead node within the heartbeat TTL plus one refresh (7.5 s + 2.5 s by
// default) and sweep what it left; the calls it carried end once, `disconnected`; the others go
// on. Prints the measured detection time and the calls lost. Runs the built bin: `npm run build`
// first.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agent,
  emitAck,
  resumingClient,
  startCluster,
  waitFor,
  type ResumingClient,
  type TestCluster,
} from '@synapse-calling/test-utils/server';

const PAIRS = 6;
/** The default heartbeat TTL and its refresh (a third of it): the detection bound. */
const NODE_TTL_MS = 7_500;
let cluster: TestCluster;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

/** The time of the first log line of `logs` that says `nodeId` is gone, if any. */
function sweptAt(logs: string, nodeId: string): number | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes('node is gone') || !line.includes(`"node":"${nodeId}"`)) continue;
    return (JSON.parse(line) as { time: number }).time;
  }
  return undefined;
}

describe('a node crash behind nginx', () => {
  it('is noticed within 10 s; its calls end once, disconnected; the others go on', async () => {
    const calls: Array<{ id: string; caller: ResumingClient; callee: ResumingClient }> = [];
    for (let i = 0; i < PAIRS; i++) {
      const caller = await resumingClient(cluster.url, agent(`caller${i}`));
      const callee = await resumingClient(cluster.url, agent(`callee${i}`));
      clients.push(caller, callee);
      const placed = await emitAck(caller.socket, 'initiate-call', { to: callee.userId });
      if (!placed.ok) throw new Error(placed.error.code);
      await waitFor(() => callee.incoming.includes(placed.call.id), { what: 'the ring' });
      expect((await emitAck(callee.socket, 'accept-call', { callId: placed.call.id })).ok).toBe(
        true,
      );
      calls.push({ id: placed.call.id, caller, callee });
    }

    const victim = cluster.nodes[0]!;
    const nodeId = /"node":"([^"]+)","msg":"synapse calling server ready"/.exec(victim.logs())?.[1];
    expect(nodeId).toBeDefined();
    const killedAt = Date.now();
    await victim.kill();

    const survivors = cluster.nodes.slice(1);
    const detected = await waitFor(
      () => survivors.map((n) => sweptAt(n.logs(), nodeId!)).find((t) => t !== undefined),
      { timeoutMs: 20_000, what: 'a survivor to sweep the dead node' },
    );
    const detectionMs = detected - killedAt;
    // The TTL plus one refresh, with room for a loaded machine.
    expect(detectionMs).toBeLessThan(NODE_TTL_MS + NODE_TTL_MS / 3 + 3_000);

    // The victim's clients reconnect through nginx at once, but their `sync` there finds the
    // call still carried by their old connection (its node is not known dead yet), so it is not
    // taken over; once the node is swept, the call waits the reconnect grace for a `sync` that
    // does not come, and ends `disconnected`. These calls are lost to the crash (a known gap,
    // docs/deployment.md); every other call goes on, and nothing ends twice.
    const moved = new Set(clients.filter((c) => c.connections() > 1).map((c) => c.userId));
    expect(moved.size).toBeGreaterThan(0); // round robin put some clients on the victim
    const lost = calls.filter((c) => moved.has(c.caller.userId) || moved.has(c.callee.userId));
    const kept = calls.filter((c) => !lost.includes(c));
    await waitFor(() => lost.every((c) => c.caller.ended.length + c.callee.ended.length > 0), {
      timeoutMs: 20_000,
      what: 'the calls of the dead node to end',
    });
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query<{ id: string; state: string; end_reason: string | null }>(
        'SELECT id, state, end_reason FROM synapse_calls',
      );
      const byId = new Map(rows.rows.map((r) => [r.id, r]));
      for (const c of lost) {
        expect(byId.get(c.id)).toMatchObject({ state: 'ended', end_reason: 'disconnected' });
      }
      for (const c of kept) expect(byId.get(c.id)).toMatchObject({ state: 'active' });
    } finally {
      await db.end();
    }
    for (const c of kept) expect([...c.caller.ended, ...c.callee.ended]).toEqual([]);
    for (const c of lost) {
      // Ended once: each party still connected was told once.
      for (const p of [c.caller, c.callee]) expect(p.ended.length).toBeLessThanOrEqual(1);
    }
    console.info(
      `node crash: detected after ${detectionMs} ms; ${lost.length} of ${calls.length} calls ` +
        `lost (a party on the dead node), ${kept.length} went on`,
    );
  }, 90_000);
});
