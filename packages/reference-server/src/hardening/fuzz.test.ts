import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  CallFuzzRig,
  startTestServer,
  useRedis,
  type FuzzAction,
  type FuzzUser,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import type { CallEvent } from '../options';

/**
 * Random sequences of initiate/accept/reject/end/sync/disconnect/reconnect (and meddling with
 * other people's calls, and pauses in which timers fire) from 2–4 users of one tenant plus two of another, with several tabs
 * each, against the real server; the invariants are `CallFuzzRig`'s. Fixed seeds and a few runs
 * by default; `SYNAPSE_FUZZ_RUNS=200` runs that many per property, from a random seed (printed
 * on failure, with the shrunk counterexample, so that it can be kept below as a regression).
 */
const RUNS = Number(process.env.SYNAPSE_FUZZ_RUNS ?? 0);
/** Generous: a failing run also shrinks, one fresh server per try. */
const TIMEOUT_MS = RUNS > 0 ? RUNS * 4000 : 120_000;
/** Stops (shrinking included) before the test's timeout, so that a failure is still reported. */
const budget = { interruptAfterTimeLimit: TIMEOUT_MS - 20_000, markInterruptAsFailure: false };
const settings = (seed: number, runs: number): fc.Parameters<unknown> =>
  RUNS > 0 ? { numRuns: RUNS, ...budget } : { seed, numRuns: runs, ...budget };

const TIMERS = { ringTimeoutMs: 600, reconnectGraceMs: 300 };
const TABS = 2;
const ACME: FuzzUser[] = [
  { tenant: 'acme', id: 'u0', role: 'agent' },
  { tenant: 'acme', id: 'u1', role: 'agent' },
  { tenant: 'acme', id: 'u2', role: 'customer' },
  { tenant: 'acme', id: 'u3', role: 'customer' },
];
// Another tenant with an id that is also acme's (u0) and one that is only its own (x9).
const EVIL: FuzzUser[] = [
  { tenant: 'evil', id: 'u0', role: 'agent' },
  { tenant: 'evil', id: 'x9', role: 'agent' },
];
const WATCHED = { acme: ['x9'], evil: ['u1', 'u2', 'u3'] };

const slot = { user: fc.nat(5), tab: fc.nat(TABS - 1), pick: fc.nat(7) };
const action: fc.Arbitrary<FuzzAction> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('initiate' as const), ...slot, to: fc.nat(5) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constantFrom('accept' as const, 'reject' as const, 'end' as const),
      ...slot,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('sync' as const, 'disconnect' as const, 'reconnect' as const),
      ...slot,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 50, max: 700 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('meddle' as const),
      ...slot,
      what: fc.constantFrom('accept' as const, 'reject' as const, 'end' as const),
    }),
  },
);
/** Acme's user count, then steps of one or two actions run at the same moment. */
const scenario = fc.record({
  users: fc.integer({ min: 2, max: 4 }),
  steps: fc.array(fc.array(action, { minLength: 1, maxLength: 2 }), {
    minLength: 8,
    maxLength: 40,
  }),
});

async function play(
  nodes: TestServer[],
  events: CallEvent[],
  { users, steps }: { users: number; steps: FuzzAction[][] },
): Promise<void> {
  const rig = new CallFuzzRig(
    nodes,
    [...ACME.slice(0, users), ...EVIL],
    TABS,
    events,
    WATCHED,
    TIMERS,
  );
  await rig.open();
  for (const step of steps) await rig.step(step);
  const violations = await rig.finish();
  if (violations.length > 0) throw new Error(`invariants broken:\n${violations.join('\n')}`);
}

describe('call fuzz', () => {
  it(
    'one node: the invariants hold for random sequences',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const events: CallEvent[] = [];
          const node = await startTestServer({
            ...TIMERS,
            presenceGraceMs: 100,
            rateLimit: false,
            onCallEvent: (e) => void events.push(e),
          });
          try {
            await play([node], events, s);
          } finally {
            await node.close();
          }
        }),
        settings(42, 25),
      );
    },
    TIMEOUT_MS,
  );

  describe('two nodes sharing Redis', () => {
    const redis = useRedis();

    it(
      'the invariants hold with tabs spread over both nodes',
      async () => {
        await fc.assert(
          fc.asyncProperty(scenario, async (s) => {
            const events: CallEvent[] = [];
            const options = {
              ...TIMERS,
              presenceGraceMs: 100,
              rateLimit: false as const,
              redis: { url: redis.url, keyPrefix: redis.prefix() },
              onCallEvent: (e: CallEvent) => void events.push(e),
            };
            const nodes = [await startTestServer(options), await startTestServer(options)];
            try {
              await play(nodes, events, s);
            } finally {
              await Promise.all(nodes.map((n) => n.close()));
            }
          }),
          settings(7, 12),
        );
      },
      TIMEOUT_MS,
    );
  });
});
