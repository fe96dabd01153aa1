/**
 * Issue 11, point 3: one user's connections are capped, share one event budget (across nodes
 * with Redis), each connection watches a bounded number of users, and one address cannot open
 * handshakes without limit — by default, in the library and in the `synapse-server` bin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agent,
  bareConnection,
  connectClient,
  connectError,
  customer,
  emitAck,
  flood,
  mintTestToken,
  startRedis,
  startSynapseBin,
  TEST_JWT_SECRET,
  useTestServer,
  useTestServers,
  type TestClient,
  type TestRedis,
} from '@synapse-calling/test-utils/server';

const USER_CAP = 10;
const USER_EVENTS_PER_SECOND = 60;

/** Outcome counts of several floods, added up. */
function total(results: Array<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counts of results) {
    for (const [outcome, n] of Object.entries(counts)) sum[outcome] = (sum[outcome] ?? 0) + n;
  }
  return sum;
}

/**
 * Ten connections of one user, 40 heartbeats each at once (each within its own connection's
 * burst): 400 events, of which the user's budget lets through one window's worth — two at most,
 * should the flood straddle a window boundary.
 */
function expectUserBudget(counts: Record<string, number>): void {
  expect(counts.ok).toBeGreaterThanOrEqual(USER_EVENTS_PER_SECOND);
  expect(counts.ok).toBeLessThanOrEqual(2 * USER_EVENTS_PER_SECOND);
  expect(counts['rate-limited']).toBe(400 - (counts.ok ?? 0));
}

describe('connections of one user', () => {
  const server = useTestServer();

  it(`refuses the connection after the ${USER_CAP}th with too-many-connections`, async () => {
    const open: TestClient[] = [];
    for (let i = 0; i < USER_CAP; i++) open.push(await server.connect(customer('mallory')));
    const refused = await connectError(server.url, {
      token: await server.mintToken(customer('mallory')),
    });
    expect(refused.data).toMatchObject({ code: 'too-many-connections' });
    // Other users are not affected, and a closed connection frees its slot.
    const other = await server.connect(customer('carol'));
    open[0]?.close();
    const again = await waitForSlot(server.url, await server.mintToken(customer('mallory')));
    expect(again.connected).toBe(true);
    for (const c of [...open, other, again]) c.close();
  });

  it('shares one event budget between all of them', async () => {
    const tabs: TestClient[] = [];
    for (let i = 0; i < USER_CAP; i++) tabs.push(await server.connect(agent('flooder')));
    expectUserBudget(total(await Promise.all(tabs.map((t) => flood(t, 'heartbeat', {}, 40)))));
    for (const t of tabs) t.close();
  });

  it('caps the users one connection watches at 2000 in total', async () => {
    const watcher = await server.connect(agent('watcher'));
    for (let batch = 0; batch < 4; batch++) {
      const userIds = Array.from({ length: 500 }, (_, i) => `u${batch}-${i}`);
      expect(await emitAck(watcher, 'subscribe-presence', { userIds })).toMatchObject({ ok: true });
    }
    expect(
      await emitAck(watcher, 'subscribe-presence', { userIds: ['one-too-many'] }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    watcher.close();
  });
});

describe('handshakes from one address', () => {
  const server = useTestServer();

  /** Opens `count` connections that never authenticate; how many the server let open. */
  async function unauthenticated(count: number, options = {}): Promise<number> {
    const attempts = await Promise.allSettled(
      Array.from({ length: count }, () => bareConnection(server.url, options)),
    );
    for (const a of attempts) if (a.status === 'fulfilled') a.value.engine.close();
    return attempts.filter((a) => a.status === 'fulfilled').length;
  }

  it('are limited to 20 a second while they do not authenticate', async () => {
    const opened = await unauthenticated(60);
    // Refused at the transport (like a bad Origin), before anything is allocated.
    expect(opened).toBeGreaterThanOrEqual(20);
    expect(opened).toBeLessThanOrEqual(40);
  });

  it('are not limited once they authenticate: one office behind one address', async () => {
    const open: TestClient[] = [];
    for (let i = 0; i < 40; i++) open.push(await server.connect(customer(`office-${i}`)));
    expect(open.every((c) => c.connected)).toBe(true);
    for (const c of open) c.close();
  });

  it('behind a trusted proxy, are counted per forwarded client address', async () => {
    await server.restart({ trustProxy: 1 });
    const from = (address: string) => ({ extraHeaders: { 'x-forwarded-for': address } });
    expect(await unauthenticated(60, from('203.0.113.7'))).toBeLessThanOrEqual(40);
    // Another client behind the same proxy still gets in.
    const other = await server.connect(customer('other'), from('198.51.100.20'));
    expect(other.connected).toBe(true);
    other.close();
  });
});

describe('with Redis, across nodes', () => {
  let redis: TestRedis;
  let run = 0;
  const start = useTestServers();
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function twoNodes() {
    const redisOptions = { url: redis.url, keyPrefix: `caps${++run}:` };
    return [await start({ redis: redisOptions }), await start({ redis: redisOptions })] as const;
  }

  it('one user gets ten connections in all, wherever they land', async () => {
    const [a, b] = await twoNodes();
    const open: TestClient[] = [];
    for (let i = 0; i < USER_CAP / 2; i++) {
      open.push(await a.connect(customer('mallory')), await b.connect(customer('mallory')));
    }
    for (const node of [a, b]) {
      const refused = await connectError(node.url, {
        token: await node.mintToken(customer('mallory')),
      });
      expect(refused.data).toMatchObject({ code: 'too-many-connections' });
    }
    for (const c of open) c.close();
  });

  it("one user's connections on two nodes share one event budget", async () => {
    const [a, b] = await twoNodes();
    const tabs: TestClient[] = [];
    for (let i = 0; i < USER_CAP / 2; i++) {
      tabs.push(await a.connect(agent('flooder')), await b.connect(agent('flooder')));
    }
    expectUserBudget(total(await Promise.all(tabs.map((t) => flood(t, 'heartbeat', {}, 40)))));
    for (const t of tabs) t.close();
  });
});

describe('the synapse-server bin with only SYNAPSE_JWT_SECRET', () => {
  it('caps the connections of one user and limits a flood from ten of them', async () => {
    const bin = await startSynapseBin({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET });
    try {
      const token = await mintTestToken(agent('flooder'));
      const tabs: TestClient[] = [];
      for (let i = 0; i < USER_CAP; i++) tabs.push(await connectClient(bin.url, token));
      expect((await connectError(bin.url, { token })).data).toMatchObject({
        code: 'too-many-connections',
      });
      expectUserBudget(total(await Promise.all(tabs.map((t) => flood(t, 'heartbeat', {}, 40)))));
      for (const t of tabs) t.close();
    } finally {
      await bin.stop();
    }
  });
});

/** Connects once the server has released a closed connection's slot (that takes a round trip). */
async function waitForSlot(url: string, token: string): Promise<TestClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectClient(url, token);
    } catch (err) {
      const code = (err as { data?: { code?: string } }).data?.code;
      if (code !== 'too-many-connections' || attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
