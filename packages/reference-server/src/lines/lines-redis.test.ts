import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LineStrategy } from '@synapse-calling/protocol';
import {
  agent,
  connectRegistered,
  customer,
  emitAck,
  startTestServer,
  useRedis,
  waitFor,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import type { CallRegistry } from '../stores/types';

const AGENTS = ['a1', 'a2', 'a3'];
const CUSTOMERS = ['c1', 'c2', 'c3', 'c4'];
/** Each agent's ring before the call moves on: short, so that the runs see it happen. */
const RING_MS = 1_000;

const redis = useRedis();
let nodes: TestServer[] = [];
const agents = new Map<string, TestClient>();
const customers = new Map<string, TestClient>();
/** The call each agent was last rung for (what their "Accept" button would accept). */
const ringing = new Map<string, string>();
/** The call each customer placed last. */
const placed = new Map<string, string>();
/** Successful acks by event over all runs: the races must really have been run. */
const succeeded = new Map<string, number>();

beforeAll(async () => {
  const prefix = redis.prefix();
  const start = () =>
    startTestServer({
      redis: { url: redis.url, keyPrefix: prefix },
      lines: { acme: { support: { members: AGENTS, agentRingTimeoutMs: RING_MS } } },
      lineCooldownMs: 0,
    });
  nodes = [await start(), await start()];
  // Agents and customers spread over both nodes, so every race crosses them.
  for (const [i, id] of AGENTS.entries()) {
    const client = await connectRegistered(nodes[i % 2]!, agent(id));
    client.on('incoming-call', ({ call }) => ringing.set(id, call.id));
    agents.set(id, client);
  }
  for (const [i, id] of CUSTOMERS.entries()) {
    customers.set(id, await connectRegistered(nodes[(i + 1) % 2]!, customer(id)));
  }
});

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
});

type Action =
  | { kind: 'call'; who: string }
  | { kind: 'hang-up'; who: string }
  | { kind: 'accept' | 'decline' | 'agent-hang-up'; who: string }
  | { kind: 'wait' };

const action: fc.Arbitrary<Action> = fc.oneof(
  // Long enough for an agent's ring to time out: the call moves on while the others act.
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      who: fc.constantFrom(...CUSTOMERS),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('hang-up' as const),
      who: fc.constantFrom(...CUSTOMERS),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('accept' as const, 'decline' as const, 'agent-hang-up' as const),
      who: fc.constantFrom(...AGENTS),
    }),
  },
);

/** Why each refused action was refused, in this run: shown when a call is left behind. */
const refusals: string[] = [];

async function run(a: Action): Promise<void> {
  if (a.kind === 'wait') return new Promise((resolve) => setTimeout(resolve, RING_MS + 50));
  if (a.kind === 'call') {
    const ack = await emitAck(customers.get(a.who)!, 'initiate-call', { toLine: 'support' });
    if (ack.ok) placed.set(a.who, ack.call.id);
    return;
  }
  const callId = a.kind === 'hang-up' ? placed.get(a.who) : ringing.get(a.who);
  if (!callId) return;
  const client = (a.kind === 'hang-up' ? customers : agents).get(a.who)!;
  const event =
    a.kind === 'accept' ? 'accept-call' : a.kind === 'decline' ? 'reject-call' : 'end-call';
  // Refusals (the call moved on, was answered elsewhere or ended) are part of the game.
  const ack = await emitAck(client, event, { callId });
  if (ack.ok) succeeded.set(event, (succeeded.get(event) ?? 0) + 1);
  else refusals.push(`${a.who} ${event} ${callId}: ${ack.error.message}`);
}

/**
 * No agent is booked for two calls, and every call's callee is indexed to that call. Ring
 * timeouts move calls on while this reads, so it checks a snapshot that held still: the same
 * calls before and after reading the indexes.
 */
async function checkBookings(registry: CallRegistry): Promise<void> {
  for (;;) {
    const calls = await registry.all();
    const indexed = await Promise.all(AGENTS.map((id) => registry.forUser('acme', id)));
    if (JSON.stringify(await registry.all()) !== JSON.stringify(calls)) continue;
    for (const [i, id] of AGENTS.entries()) {
      const theirs = calls.filter((r) => r.call.to.id === id || r.call.from.id === id);
      expect(theirs.length, `calls of ${id}`).toBeLessThanOrEqual(1);
      expect(indexed[i]!.map((r) => r.call.id)).toEqual(theirs.map((r) => r.call.id));
    }
    expect(calls.every((r) => r.call.line === 'support')).toBe(true);
    return;
  }
}

it('two nodes never book one agent for two line calls, whatever the order of events', async () => {
  const registry = nodes[0]!.synapse.stores.registry;
  const admin = await nodes[1]!.mintToken({ ...agent('root'), admin: true });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<LineStrategy>('longest-idle', 'round-robin', 'ring-all'),
      fc.array(fc.array(action, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 6 }),
      async (strategy, batches) => {
        await fetch(`${nodes[1]!.url}/api/admin/lines/support`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ members: AGENTS, agentRingTimeoutMs: RING_MS, strategy }),
        });
        for (const batch of batches) {
          await Promise.all(batch.map(run));
          await checkBookings(registry);
        }
        // Every customer hangs up: no call may be left behind, ringing or active.
        await Promise.all(CUSTOMERS.map((who) => run({ kind: 'hang-up', who })));
        // The wait limit (5 min by default) is far beyond this bound, so a call left behind
        // fails here; the bound itself is generous because two nodes on a loaded two-core
        // machine can take seconds to work through a batch's fan-out.
        await waitFor(async () => (await registry.all()).length === 0, {
          what: 'every line call to end',
          timeoutMs: 30_000,
        }).catch(async (err: unknown) => {
          const left = (await registry.all()).map((r) => r.call);
          const placedNow = JSON.stringify([...placed]);
          throw new Error(
            `${String(err)}; left: ${JSON.stringify(left)}; placed: ${placedNow}; refused: ${refusals.join(' | ')}`,
          );
        });
        ringing.clear();
        placed.clear();
        refusals.length = 0;
      },
    ),
    {
      // No shrinking: runs share the servers, so a failed run's calls would still be there in the
      // shrunk runs and the report would show their symptom instead of the first failure.
      numRuns: 25,
      endOnFailure: true,
      // First a run sure to decline and accept (ring-all rings every agent at once): random runs
      // on a loaded machine can let every decline land after its 1 s ring moved on.
      examples: [
        [
          'ring-all',
          [
            [{ kind: 'call', who: 'c1' }],
            [{ kind: 'decline', who: 'a1' }],
            [{ kind: 'accept', who: 'a2' }],
          ],
        ],
      ],
    },
  );
  expect(succeeded.get('accept-call')).toBeGreaterThan(0);
  expect(succeeded.get('reject-call')).toBeGreaterThan(0);
}, 240_000);
