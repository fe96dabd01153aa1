/**
 * Ring latency (`initiate-call` sent → `incoming-call` received) through the reference server,
 * against a bare Socket.IO relay (`relay` sent → `relayed` received) in the same run, at 1 and
 * 50 concurrent pairs. Each pair rings then cancels, paced under the per-connection rate limit,
 * which stays on (defaults) with the durable SQLite call log. Rounds alternate between the two
 * servers so machine noise hits both.
 */
import { BENCH_JWT_SECRET, startBare, startSynapse } from './lib/procs.mjs';
import { percentile, round, startLoad } from './lib/driver.mjs';

const INTERVAL_MS = 150;

async function round1(server, kind, pairs, calls) {
  const load = startLoad();
  try {
    const names = Array.from(
      { length: pairs * 2 },
      (_, i) => `${i % 2 ? 'callee' : 'caller'}${i >> 1}`,
    );
    await load.send('connect', {
      url: server.url,
      secret: BENCH_JWT_SECRET,
      kind,
      users: names.map((name) => ({ name })),
    });
    const { latencies } = await load.send('pairs', { names, calls, intervalMs: INTERVAL_MS });
    await load.send('close');
    return latencies;
  } finally {
    await load.stop();
  }
}

/** `{ pairs: [{ pairs, baseline: {p50,p99,n}, synapse: {…}, ratio: {p50,p99} }] }` */
export async function benchSignaling({ smoke = false, cpuProfDir, levels: only, env } = {}) {
  const levels = only ?? (smoke ? [1, 2] : [1, 50]);
  const rounds = smoke ? 1 : 2;
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const synapse = await startSynapse({ nodeArgs, env });
  const bare = await startBare();
  const out = [];
  try {
    for (const pairs of levels) {
      const calls = smoke ? 3 : pairs === 1 ? 150 : 30;
      const base = [];
      const ours = [];
      // Warm both servers (JIT, SQLite page cache) before anything counts.
      await round1(bare, 'bare', pairs, smoke ? 1 : 10);
      await round1(synapse, 'synapse', pairs, smoke ? 1 : 10);
      for (let r = 0; r < rounds; r++) {
        base.push(...(await round1(bare, 'bare', pairs, calls)));
        ours.push(...(await round1(synapse, 'synapse', pairs, calls)));
      }
      const stats = (v) => ({
        n: v.length,
        p50: round(percentile(v, 50)),
        p99: round(percentile(v, 99)),
      });
      const b = stats(base);
      const s = stats(ours);
      out.push({
        pairs,
        baseline: b,
        synapse: s,
        ratio: { p50: round(s.p50 / b.p50), p99: round(s.p99 / b.p99) },
        samples: { baseline: base.map((x) => round(x, 3)), synapse: ours.map((x) => round(x, 3)) },
      });
    }
  } finally {
    await synapse.stop();
    await bare.stop();
  }
  return { intervalMs: INTERVAL_MS, levels: out };
}
