// Issue 19 point 5: a chaos soak. ~200 calls between 50 users (Socket.IO clients through nginx)
// over three nodes on PostgreSQL and Redis behind Sentinel, while a random node is killed
// (SIGKILL) and started again every ~20 s and the Redis master is killed once. Afterwards, from
// PostgreSQL and from the clients: every call ended exactly once with one reason, nobody was in
// two calls, both parties' histories agree, and exactly the connected users show online. The
// calls lost to a crash (ended `disconnected`/`failed`) are counted, printed and written to
// test-results/cluster-soak.json. SYNAPSE_SOAK_SECONDS (default 40) sets how long traffic runs;
// SYNAPSE_SOAK_SEED replays a run's random choices. Runs the built bin: `npm run build` first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Presence } from '@synapse-calling/protocol';
import {
  agent,
  doubleBooked,
  driveCalls,
  fetchHistories,
  mintTestToken,
  nodeIdOf,
  readCallLog,
  recordEnds,
  resumingClient,
  seededRandom,
  startCluster,
  startWebhookReceiver,
  sweptAt,
  waitFor,
  type ResumingClient,
  type SeenEnds,
  type SoakTraffic,
  type TestCluster,
  type TestSentinelRedis,
  type WebhookReceiver,
} from '@synapse-calling/test-utils/server';

const USERS = 50;
const SOAK_MS = Number(process.env.SYNAPSE_SOAK_SECONDS ?? 40) * 1_000;
/** Five calls a second: 200 in the default 40 s. */
const CALLS = Math.round(SOAK_MS / 200);
/** The traffic, then the wait for every call to end and the checks, with room on a slow machine. */
const TEST_TIMEOUT_MS = SOAK_MS + 300_000;
const CHAOS_EVERY_MS = 20_000;
const SEED = Number(process.env.SYNAPSE_SOAK_SEED ?? Date.now() % 1_000_000);
/** Users who hang up for good at the end: they must show offline everywhere. */
const LEAVING = 5;

let cluster: TestCluster;
let hook: WebhookReceiver;
const clients: ResumingClient[] = [];
const seen = new Map<string, SeenEnds>();

beforeAll(async () => {
  hook = await startWebhookReceiver();
  cluster = await startCluster({
    sentinel: true,
    env: {
      SYNAPSE_RING_TIMEOUT_MS: '8000',
      // A user who left shows offline 3 s later (default 10 s), to keep the test short.
      SYNAPSE_PRESENCE_GRACE_MS: '3000',
      // All 50 clients come from one loopback address: after a crash a third of them reconnect
      // within a second, and the end check reads 50 histories. Real users have addresses of
      // their own; the per-address budgets are not what this test is about.
      SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC: '500',
      SYNAPSE_REST_IP_RATE_LIMIT_PER_SEC: '500',
      // What the host's CRM is told: each call's end, once.
      SYNAPSE_WEBHOOK_URL: hook.url,
      SYNAPSE_WEBHOOK_SECRET: 'soak-webhook-secret-of-32-characters',
    },
  });
  for (let i = 0; i < USERS; i++) {
    const client = await resumingClient(cluster.url, agent(`soak${i}`));
    clients.push(client);
    seen.set(client.userId, recordEnds(client));
  }
}, 180_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
  await hook?.stop();
});

/** Kills a random node and starts it again, then (once) the Redis master, every ~20 s. */
async function chaos(random: () => number, until: number, traffic: SoakTraffic) {
  const events: string[] = [];
  const crashes: Array<{ nodeId: string; at: number }> = [];
  let hit = 0;
  let failedOver = false;
  let failoverMs: number | undefined;
  const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
  const started = Date.now();
  // The first kill early, the Redis failover between two kills, each ~10 s apart from the next.
  for (let step = 0; ; step++) {
    const at = started + 8_000 + step * (CHAOS_EVERY_MS / 2);
    if (at > until - 5_000) break;
    await sleepUntil(at);
    if (step % 2 === 1 && !failedOver) {
      failedOver = true;
      const result = await (cluster.redis as TestSentinelRedis).killMaster();
      failoverMs = result.failoverMs;
      events.push(`+${Date.now() - started} ms redis master killed (promoted in ${failoverMs} ms)`);
    } else if (step % 2 === 0) {
      const index = Math.floor(random() * cluster.nodes.length);
      const node = cluster.nodes[index]!;
      // The calls the crash hits: live calls with a party whose connection it cuts (that party
      // reconnects, to another node, within the restart).
      const live = [...traffic.live.values()];
      const before = new Map(clients.map((c) => [c, c.connections()]));
      const nodeId = nodeIdOf(node.proc.output());
      if (nodeId) crashes.push({ nodeId, at: Date.now() });
      await node.kill();
      await node.proc.stop();
      await node.start();
      const cut = live.filter((parties) => parties.some((c) => c.connections() > before.get(c)!));
      hit += cut.length;
      events.push(
        `+${Date.now() - started} ms node ${index + 1} killed (${cut.length} of ${live.length} ` +
          `live calls had a party on it) and restarted`,
      );
    }
  }
  return {
    events,
    failoverMs,
    hit,
    crashes,
    kills: events.filter((e) => e.includes('node')).length,
  };
}

it(
  'keeps every call consistent through node crashes and a Redis failover',
  async () => {
    const random = seededRandom(SEED);
    const until = Date.now() + SOAK_MS;
    const traffic = driveCalls(clients, { workers: 20, calls: CALLS, until, random });
    const [report, chaosRun] = await Promise.all([traffic.done, chaos(random, until, traffic)]);

    // Every call ends: those a party ended at once, those of a dead node when the survivors'
    // grace timers or recovery passes end them. Bounded by detection + grace + recovery, with room.
    await waitFor(
      async () => (await readCallLog(cluster.databaseUrl)).every((r) => r.state === 'ended'),
      { timeoutMs: 90_000, intervalMs: 500, what: 'every call in the log to end' },
    );
    const rows = await readCallLog(cluster.databaseUrl);
    const byId = new Map(rows.map((r) => [r.id, r]));

    // Every call the server acknowledged is in the log, ended once, with one reason and a time.
    for (const id of report.placed) expect(byId.has(id), `${id} in the log`).toBe(true);
    for (const row of rows) {
      expect(row.end_reason, `${row.id} end reason`).not.toBeNull();
      expect(row.ended_at, `${row.id} end time`).not.toBeNull();
    }
    // Each party was told of the end at most once, and with the logged reason.
    for (const row of rows) {
      for (const user of [row.from_id, row.to_id]) {
        const told = seen.get(user)?.ended.get(row.id) ?? [];
        expect(told.length, `${user} told of ${row.id}'s end`).toBeLessThanOrEqual(1);
        for (const reason of told) expect(reason, `${user}: ${row.id}`).toBe(row.end_reason);
      }
    }

    // The host heard of each end at most once (retries share an event id), with the logged
    // reason. A node that dies with undelivered events loses them: those are counted, not failed.
    const endedHooks = () => hook.events.filter((e) => e.type === 'call.ended');
    await waitFor(() => new Set(endedHooks().map((e) => e.call.id)).size >= rows.length, {
      timeoutMs: 10_000,
      what: 'the call.ended webhooks',
    }).catch(() => undefined);
    const hookIds = new Map<string, Set<string>>();
    for (const event of endedHooks()) {
      hookIds.set(event.call.id, (hookIds.get(event.call.id) ?? new Set()).add(event.id));
      expect(event.call.endReason, `${event.call.id} webhook`).toBe(
        byId.get(event.call.id)?.end_reason,
      );
    }
    for (const [callId, ids] of hookIds) expect(ids.size, `${callId} call.ended webhooks`).toBe(1);
    const unannounced = rows.filter((r) => !hookIds.has(r.id)).length;

    // Nobody was in two calls at once.
    expect(doubleBooked(rows)).toEqual([]);

    // Both parties' histories show each call alike, as the log has it.
    const histories = await fetchHistories(
      cluster.url,
      clients.map((c) => c.userId),
    );
    for (const row of rows) {
      const fromSide = histories.get(row.from_id)?.find((c) => c.id === row.id);
      const toSide = histories.get(row.to_id)?.find((c) => c.id === row.id);
      expect(fromSide, `${row.id} in ${row.from_id}'s history`).toBeDefined();
      expect(toSide, `${row.id} in both histories`).toEqual(fromSide);
      expect(fromSide?.endReason).toBe(row.end_reason);
    }
    for (const [user, calls] of histories) {
      const mine = rows.filter((r) => r.from_id === user || r.to_id === user);
      expect(calls.length, `${user}'s history length`).toBe(mine.length);
    }

    // Exactly the connected users show online, on every node: some users leave for good, every
    // other client is (back) connected.
    const leaving = clients.slice(0, LEAVING);
    for (const c of leaving) c.close();
    const staying = clients.slice(LEAVING);
    await waitFor(() => staying.every((c) => c.socket.connected), {
      timeoutMs: 30_000,
      what: 'every remaining client to be connected',
    });
    const token = await mintTestToken(agent('observer'));
    const ids = clients.map((c) => c.userId).join(',');
    const statusesOn = async (port: number) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/presence?userIds=${ids}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { presence: Presence[] };
      return Object.fromEntries(body.presence.map((p) => [p.userId, p.status]));
    };
    const expected = Object.fromEntries(
      clients.map((c) => [c.userId, leaving.includes(c) ? 'offline' : 'online']),
    );
    const views = await waitFor(
      async () => {
        const all = await Promise.all(cluster.nodes.map((n) => statusesOn(n.port)));
        return all.every((v) => JSON.stringify(v) === JSON.stringify(expected)) && all;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'presence to match who is connected' },
    ).catch(async (err: unknown) => {
      const all = await Promise.all(cluster.nodes.map((n) => statusesOn(n.port)));
      const wrong = all.map((v) =>
        Object.entries(v).filter(([user, status]) => expected[user] !== status),
      );
      throw new Error(`presence differs from connections: ${JSON.stringify(wrong)}`, {
        cause: err,
      });
    });
    expect(views).toHaveLength(cluster.nodes.length);

    // How long each crash went unnoticed: from the kill to the first survivor's sweep of it.
    const logs = cluster.nodes.map((n) => n.logs()).join('\n');
    const detectionMs = chaosRun.crashes.map(({ nodeId, at }) => {
      const swept = sweptAt(logs, nodeId);
      return swept === undefined ? null : swept - at;
    });
    const lost = rows.filter((r) => r.end_reason === 'disconnected' || r.end_reason === 'failed');
    const reasons: Record<string, number> = {};
    for (const r of rows) reasons[r.end_reason!] = (reasons[r.end_reason!] ?? 0) + 1;
    const summary = {
      date: new Date().toISOString(),
      seed: SEED,
      soakSeconds: SOAK_MS / 1_000,
      users: USERS,
      callsPlaced: report.placed.length,
      callsInLog: rows.length,
      answered: report.answered,
      endReasons: reasons,
      nodeKills: chaosRun.kills,
      liveCallsHitByCrashes: chaosRun.hit,
      deadNodeDetectedAfterMs: detectionMs,
      callsLostToCrashes: lost.length,
      endWebhooksLostWithANode: unannounced,
      callsLostPerCrash: chaosRun.kills ? lost.length / chaosRun.kills : 0,
      redisFailoverMs: chaosRun.failoverMs,
      refused: report.refused,
      unacknowledged: report.unacknowledged,
      chaos: chaosRun.events,
    };
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/cluster-soak.json', `${JSON.stringify(summary, null, 2)}\n`);
    console.info(
      `chaos soak (seed ${SEED}): ${rows.length} calls, ${report.answered} answered, ` +
        `${chaosRun.kills} node kills hitting ${chaosRun.hit} live calls, Redis failover ${chaosRun.failoverMs} ms, ` +
        `dead nodes noticed after ${detectionMs.join(', ')} ms; ` +
        `${lost.length} calls lost to crashes (${JSON.stringify(reasons)}); ` +
        `test-results/cluster-soak.json`,
    );
    // The soak really ran: most calls connected, and the chaos happened.
    expect(report.placed.length).toBeGreaterThan(CALLS / 4);
    expect(chaosRun.kills).toBeGreaterThan(0);
    expect(chaosRun.failoverMs).toBeDefined();
  },
  TEST_TIMEOUT_MS,
);
