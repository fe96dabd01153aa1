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
 * other people's calls, and pauses in which timers fire) from 2–4 users of one tenant plus two of
 * another, with two tabs each, against the real server; the invariants are `CallFuzzRig`'s. Fixed
 * seeds and a few runs by default; `SYNAPSE_FUZZ_RUNS=200` runs that many per property from a
 * random seed (printed on failure with the shrunk counterexample, to be kept below as a
 * regression).
 */
const RUNS = Number(process.env.SYNAPSE_FUZZ_RUNS ?? 0);
/** Generous: a failing run also shrinks, one fresh server per try. */
const TIMEOUT_MS = RUNS > 0 ? RUNS * 4000 : 120_000;
/** Stops (shrinking included) before the test's timeout, so that a failure is still reported. */
const budget = { interruptAfterTimeLimit: TIMEOUT_MS - 20_000, markInterruptAsFailure: false };

interface Scenario {
  users: number;
  steps: FuzzAction[][];
}

/** Fixed seed and runs by default; `examples` (regressions found before) always run first. */
function settings(
  seed: number,
  runs: number,
  examples: Scenario[] = [],
): fc.Parameters<[Scenario]> {
  const common = { ...budget, examples: examples.map((e): [Scenario] => [e]) };
  return RUNS > 0 ? { numRuns: RUNS, ...common } : { seed, numRuns: runs, ...common };
}

/**
 * Found by a long run in Redis mode (seed 1446973570): a node closing while a call it had just
 * ended was still broadcasting published on a closed Redis connection — an unhandled rejection
 * that would crash a process in its graceful shutdown.
 */
const CLOSE_WHILE_ENDING: Scenario = {
  users: 3,
  steps: [
    [{ kind: 'sync', user: 5, tab: 0, pick: 0 }],
    [{ kind: 'reject', user: 1, tab: 0, pick: 0 }],
    [{ kind: 'accept', user: 1, tab: 0, pick: 3 }],
    [{ kind: 'end', user: 3, tab: 0, pick: 3 }],
    [{ kind: 'initiate', user: 5, tab: 0, to: 0 }],
    [
      { kind: 'sync', user: 1, tab: 1, pick: 0 },
      { kind: 'reconnect', user: 1, tab: 0, pick: 1 },
    ],
    [
      { kind: 'initiate', user: 4, tab: 0, to: 5 },
      { kind: 'initiate', user: 1, tab: 0, to: 5 },
    ],
    [
      { kind: 'end', user: 5, tab: 1, pick: 4 },
      { kind: 'wait', ms: 371 },
    ],
    [
      { kind: 'meddle', user: 0, tab: 1, pick: 1, what: 'end' },
      { kind: 'reconnect', user: 2, tab: 0, pick: 2 },
    ],
    [
      { kind: 'end', user: 5, tab: 1, pick: 5 },
      { kind: 'wait', ms: 168 },
    ],
  ],
};

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
const scenario: fc.Arbitrary<Scenario> = fc.record({
  users: fc.integer({ min: 2, max: 4 }),
  steps: fc.array(fc.array(action, { minLength: 1, maxLength: 2 }), {
    minLength: 8,
    maxLength: 40,
  }),
});

async function play(
  nodes: TestServer[],
  events: CallEvent[],
  { users, steps }: Scenario,
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
          settings(7, 12, [CLOSE_WHILE_ENDING]),
        );
      },
      TIMEOUT_MS,
    );
  });
});
