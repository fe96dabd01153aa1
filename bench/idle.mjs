/**
 * Idle clients and presence fan-out, each against a bare Socket.IO server in the same run.
 *
 * Memory: N clients connect (Synapse: each a distinct user watching 20 others; bare: plain
 * sockets); the server's RSS growth over its idle RSS, divided by N, is the cost per client.
 *
 * Fan-out: N watchers of one user; that user changes status and every watcher's receive time
 * minus the send time is one sample (bare: a client asks the server to emit one event to a room
 * of N sockets). Clients are spread over load processes so no one process holds them all.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_JWT_SECRET, startBare, startSynapse } from './lib/procs.mjs';
import { percentile, round, split, startLoad } from './lib/driver.mjs';

const WATCHES = 20;
const PER_PROCESS = 2_500;
const SETTLE_MS = 1_000;

async function withLoads(count, body) {
  const loads = Array.from({ length: count }, () => startLoad());
  try {
    return await body(loads);
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
}

async function connectAll(loads, server, kind, users) {
  const parts = split(users, loads.length);
  await Promise.all(
    loads.map((l, i) =>
      l.send('connect', { url: server.url, secret: BENCH_JWT_SECRET, kind, users: parts[i] }),
    ),
  );
}

async function memoryOnce(kind, clients, smoke) {
  const server = kind === 'synapse' ? await startSynapse() : await startBare();
  try {
    await sleep(smoke ? 200 : SETTLE_MS);
    const idle = server.rssKb();
    const users = Array.from({ length: clients }, (_, i) => ({
      name: `u${i}`,
      watch: Array.from(
        { length: Math.min(WATCHES, clients - 1) },
        (_, k) => `u${(i + k + 1) % clients}`,
      ),
    }));
    return await withLoads(Math.max(1, Math.ceil(clients / PER_PROCESS)), async (loads) => {
      await connectAll(loads, server, kind, users);
      await sleep(smoke ? 200 : SETTLE_MS);
      const loaded = server.rssKb();
      await Promise.all(loads.map((l) => l.send('close')));
      return { idleKb: idle, loadedKb: loaded, perClientKb: round((loaded - idle) / clients) };
    });
  } finally {
    await server.stop();
  }
}

export async function benchMemory({ smoke = false } = {}) {
  const levels = smoke ? [50] : [1_000, 5_000, 10_000];
  const out = [];
  for (const clients of levels) {
    const baseline = await memoryOnce('bare', clients, smoke);
    const synapse = await memoryOnce('synapse', clients, smoke);
    out.push({
      clients,
      baseline,
      synapse,
      ratio: round(synapse.perClientKb / baseline.perClientKb),
    });
  }
  return { watchesPerClient: WATCHES, levels: out };
}

async function fanoutOnce(kind, watchers, trials, smoke) {
  const server = kind === 'synapse' ? await startSynapse() : await startBare();
  try {
    // Client 0 is the watched user (Synapse) / the one asking for the emit (bare).
    const users = [
      { name: 'target' },
      ...Array.from({ length: watchers }, (_, i) => ({
        name: `w${i}`,
        watch: ['target'],
        rooms: ['target'],
      })),
    ];
    return await withLoads(1 + Math.ceil(watchers / PER_PROCESS), async ([trigger, ...loads]) => {
      await trigger.send('connect', {
        url: server.url,
        secret: BENCH_JWT_SECRET,
        kind,
        users: users.slice(0, 1),
      });
      await connectAll(loads, server, kind, users.slice(1));
      const samples = [];
      const statuses = ['away', 'online'];
      for (let t = 0; t < trials; t++) {
        await Promise.all(loads.map((l) => l.send('received')));
        const { at } = await trigger.send('trigger', {
          index: 0,
          status: statuses[t % 2],
          room: 'target',
        });
        let times = [];
        const deadline = Date.now() + 30_000;
        while (times.length < watchers && Date.now() < deadline) {
          await sleep(20);
          const got = await Promise.all(loads.map((l) => l.send('received')));
          times = times.concat(...got.map((g) => g.times));
        }
        if (times.length < watchers)
          throw new Error(`${kind}: ${times.length}/${watchers} watchers got the change`);
        samples.push(...times.map((x) => x - at));
        await sleep(smoke ? 20 : 200);
      }
      await Promise.all([trigger, ...loads].map((l) => l.send('close')));
      return {
        n: samples.length,
        p50: round(percentile(samples, 50)),
        p99: round(percentile(samples, 99)),
      };
    });
  } finally {
    await server.stop();
  }
}

export async function benchFanout({ smoke = false } = {}) {
  const levels = smoke ? [20] : [100, 1_000, 5_000];
  const trials = smoke ? 2 : 6;
  const out = [];
  for (const watchers of levels) {
    const baseline = await fanoutOnce('bare', watchers, trials, smoke);
    const synapse = await fanoutOnce('synapse', watchers, trials, smoke);
    out.push({
      watchers,
      baseline,
      synapse,
      ratio: { p50: round(synapse.p50 / baseline.p50), p99: round(synapse.p99 / baseline.p99) },
    });
  }
  return { trials, levels: out };
}
