/**
 * Issue 11, "a hardening suite that stays": while two hostile connections run each attack at
 * full speed against the `synapse-server` bin (started with only the required setting), a
 * well-behaved client's heartbeat acks stay under 50 ms at the 99th percentile and its call still
 * rings. The attackers run in a process of their own at the lowest CPU priority, so that what
 * slows the bystander down is the work they cause the server, not their own.
 *
 * The one wall-clock bound of the suite, and generous: unhindered, a heartbeat ack takes about a
 * millisecond. But this machine is shared: with no attack at all, a 3-second window here has
 * shown a p99 of 43 ms when the host was busy with other work (and 150 ms under a load of 11 on
 * its two cores). So an attack gets up to eight windows of 3 s (about 140 heartbeats each) and
 * passes when one of them stays under the bound — or, on a host so busy that even a quiet window
 * measured just before the attack is slow, under three times that quiet window's p99 (the ratio
 * against a side-by-side baseline that the benchmarks use too). An attack that really slows the
 * server down (before this suite: binary attachments at 20 a second gave a p50 of 400 ms and
 * more, a p99 over a second) fails them all. Every window is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agent,
  ATTACKS,
  connectClient,
  customer,
  emitAck,
  mintTestToken,
  ringCall,
  startHostileClient,
  startSynapseBin,
  TEST_JWT_SECRET,
  type Attack,
  type SynapseBin,
  type TestClient,
} from '@synapse-calling/test-utils/server';

const P99_BOUND_MS = 50;
const WINDOW_MS = 3000;
const WINDOWS = 8;
/** How much slower than the quiet window an attack window may be on a busy host. */
const BASELINE_RATIO = 3;

/** What the server must have answered the attacker: proof that the attack ran and was limited. */
const REFUSAL: Record<Attack, string> = {
  flood: 'rate-limited',
  binary: 'invalid-payload',
  deep: 'invalid-payload',
  connections: 'connect_error:too-many-connections',
  unauthenticated: 'refused',
  rest: '429',
};

interface Window {
  heartbeats: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Heartbeats from each client, one after another, 60 ms apart (inside the per-connection limit
 * of 20 a second: the bystanders are well-behaved), for `ms`; all their ack latencies summed up.
 */
async function heartbeatWindow(clients: TestClient[], ms: number): Promise<Window> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const start = performance.now();
        const ack = await emitAck(client, 'heartbeat', {});
        latencies.push(performance.now() - start);
        expect(ack).toEqual({ ok: true });
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) /
    10;
  return { heartbeats: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

describe('a bystander while two hostile connections attack', () => {
  let bin: SynapseBin;
  /** Three users, so that enough heartbeats are sampled within each one's rate limit. */
  let bystanders: TestClient[] = [];
  let colleague: TestClient;

  beforeAll(async () => {
    bin = await startSynapseBin({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET });
    for (let i = 0; i < 3; i++) {
      bystanders.push(await connectClient(bin.url, await mintTestToken(agent(`bystander-${i}`))));
    }
    colleague = await connectClient(bin.url, await mintTestToken(agent('colleague')));
  });
  afterAll(async () => {
    for (const client of [...bystanders, colleague]) client?.close();
    bystanders = [];
    await bin?.stop();
  });

  it.each(ATTACKS)(
    '%s: heartbeats stay under 50 ms p99 (or 3× a quiet window on a busy host) and a call still rings',
    async (attack) => {
      const quiet = await heartbeatWindow(bystanders, WINDOW_MS);
      const bound = Math.round(Math.max(P99_BOUND_MS, BASELINE_RATIO * quiet.p99));
      const token = await mintTestToken(customer(`mallory-${attack}`));
      const hostile = startHostileClient(attack, bin.url, token);
      const windows: Window[] = [];
      let outcomes: Record<string, number> = {};
      try {
        // Let the attack get going before measuring.
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (let i = 0; i < WINDOWS; i++) {
          windows.push(await heartbeatWindow(bystanders, WINDOW_MS));
          if (windows.at(-1)!.p99 < bound) break;
        }
        const caller = bystanders[0]!;
        const call = await ringCall(caller, colleague, 'colleague');
        await emitAck(caller, 'end-call', { callId: call.id });
      } finally {
        outcomes = await hostile.stop();
        // The next attack starts with fresh one-second windows of every limit.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      console.log(JSON.stringify({ attack, quiet, bound, windows, outcomes }));
      expect(outcomes[REFUSAL[attack]]).toBeGreaterThan(0);
      expect(Math.min(...windows.map((w) => w.p99))).toBeLessThan(bound);
    },
    60_000,
  );
});
