// Issue 19 point 3: Redis that fails over. Three nodes behind nginx on a Redis master with a
// replica and a sentinel; the master is killed (SIGKILL) while calls are live and traffic runs.
// Calls in progress keep working, new calls ring after the failover, nobody is in two calls, and
// no broadcast acknowledged during the failover is lost (the Streams adapter re-reads the stream
// from where it stopped). Prints the failover times. Runs the built bin: `npm run build` first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MediaSignal } from '@synapse-calling/protocol';
import {
  agent,
  doubleBooked,
  emitAck,
  placeLiveCalls,
  readCallLog,
  resumingClient,
  startCluster,
  waitFor,
  type ResumingClient,
  type TestCluster,
  type TestSentinelRedis,
} from '@synapse-calling/test-utils/server';

let cluster: TestCluster;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ sentinel: true, env: { SYNAPSE_RING_TIMEOUT_MS: '5000' } });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

const signal = (seq: number): MediaSignal => ({
  type: 'description',
  description: { type: 'offer', sdp: `seq ${seq}` },
});

/** Places a call from `from` to `to` and has it accepted; false if any step was refused. */
async function callOnce(from: ResumingClient, to: ResumingClient): Promise<string | false> {
  const placed = await emitAck(from.socket, 'initiate-call', { to: to.userId });
  if (!placed.ok) return false;
  await waitFor(() => to.incoming.includes(placed.call.id), { timeoutMs: 5_000, what: 'ring' });
  const accepted = await emitAck(to.socket, 'accept-call', { callId: placed.call.id });
  return accepted.ok ? placed.call.id : false;
}

it('survives a master kill: live calls go on, new calls ring, no broadcast lost', async () => {
  const direct = (i: number) => `http://127.0.0.1:${cluster.nodes[i]!.port}`;
  const live = await placeLiveCalls(cluster.url, 3, clients);
  // A call whose parties sit on two known nodes, signalling all through the failover.
  const talker = await resumingClient(direct(0), agent('talker'));
  const listener = await resumingClient(direct(1), agent('listener'));
  // Placing calls through nginx after the failover.
  const dialer = await resumingClient(direct(2), agent('dialer'));
  const answerer = await resumingClient(direct(0), agent('answerer'));
  clients.push(talker, listener, dialer, answerer);
  const talk = await callOnce(talker, listener);
  if (!talk) throw new Error('the signalling call was refused');
  const heard: string[] = [];
  listener.socket.on('media-signal', (p) => {
    if (p.signal.type === 'description') heard.push(p.signal.description.sdp ?? '');
  });

  const acked: string[] = [];
  let sending = true;
  const sender = (async () => {
    for (let seq = 0; sending; seq++) {
      const ack = await emitAck(talker.socket, 'media-signal', {
        callId: talk,
        signal: signal(seq),
      });
      if (ack.ok) acked.push(`seq ${seq}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await new Promise((r) => setTimeout(r, 1_000));

  const redis = cluster.redis as TestSentinelRedis;
  const killedAt = Date.now();
  const { failoverMs } = await redis.killMaster();
  // Service restored: a new call placed on one node rings and is answered on another.
  await waitFor(async () => callOnce(dialer, answerer).catch(() => false), {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: 'a new call to ring after the failover',
  });
  const restoredMs = Date.now() - killedAt;
  await new Promise((r) => setTimeout(r, 1_000));
  sending = false;
  await sender;

  // Every signal the server acknowledged reached the other node's client, in order.
  await waitFor(() => heard.length >= acked.length, { what: 'the acknowledged signals' });
  expect(heard.filter((s) => acked.includes(s))).toEqual(acked);
  expect(acked.length).toBeGreaterThan(10);

  // The calls that were live keep working: nothing ended, and ending one reaches the other party.
  for (const call of live) {
    expect([...call.caller.ended, ...call.callee.ended]).toEqual([]);
    expect(await emitAck(call.caller.socket, 'end-call', { callId: call.id })).toMatchObject({
      ok: true,
    });
    await waitFor(() => call.callee.ended.includes(call.id), { what: 'call-ended' });
  }
  expect(talker.ended).toEqual([]);
  // No node was declared dead by the pause of its heartbeat.
  for (const node of cluster.nodes) expect(node.logs()).not.toContain('heartbeat key had expired');

  // Nobody double-booked: the answered calls of any one user never overlap.
  expect(doubleBooked(await readCallLog(cluster.databaseUrl))).toEqual([]);
  console.info(
    `redis failover: sentinel promoted the replica ${failoverMs} ms after the master's kill; ` +
      `a new call rang and was answered across nodes ${restoredMs} ms after it; ` +
      `${acked.length} signals acknowledged through it, none lost`,
  );
}, 120_000);
