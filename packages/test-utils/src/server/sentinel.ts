/**
 * A Redis that fails over, for tests: a master, a replica and a sentinel (`redis-server` and
 * `redis-sentinel` from Debian, installed by scripts/ensure-test-deps.sh) on free loopback ports,
 * no persistence. `killMaster()` is a crash of the master (SIGKILL); the sentinel promotes the
 * replica after `downAfterMs`.
 *
 * ```ts
 * const redis = await startSentinelRedis();
 * const node = spawnSynapseBin({ ...redis.env, SYNAPSE_JWT_SECRET: '…' });
 * const { failoverMs } = await redis.killMaster();
 * await redis.stop();
 * ```
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopper } from './child';
import { freePort, waitFor } from './ports';

const run = promisify(execFile);
const NAME = 'mymaster';

export interface TestSentinelRedis {
  /** The sentinel's address and the master group's name. */
  sentinel: { host: string; port: number };
  name: string;
  /** The nodes' environment for it: `SYNAPSE_REDIS_SENTINELS` and `SYNAPSE_REDIS_SENTINEL_NAME`. */
  env: Record<string, string>;
  /** Port of the server the sentinel names master now. */
  masterPort(): Promise<number>;
  /** SIGKILL of the master; resolves once the sentinel names the other server master. */
  killMaster(): Promise<{ failoverMs: number; from: number; to: number }>;
  stop(): Promise<void>;
}

export async function startSentinelRedis(
  options: { downAfterMs?: number } = {},
): Promise<TestSentinelRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-sentinel-'));
  const [masterPort, replicaPort, sentinelPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const servers = new Map<number, ChildProcess>();
  const stops: Array<() => Promise<void>> = [];
  const spawnServer = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    stops.push(stopper(child));
    return child;
  };
  const stop = async () => {
    await Promise.all(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  };
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  try {
    servers.set(masterPort, spawnServer('redis-server', ['--port', String(masterPort), ...base]));
    await waitFor(() => cli(masterPort, 'PING').then((r) => r === 'PONG'), {
      what: 'the Redis master',
    });
    servers.set(
      replicaPort,
      spawnServer('redis-server', [
        ...['--port', String(replicaPort), ...base],
        ...['--replicaof', '127.0.0.1', String(masterPort)],
      ]),
    );
    await waitFor(
      async () => (await cli(replicaPort, 'INFO', 'replication')).includes('master_link_status:up'),
      { timeoutMs: 15_000, what: 'the replica to sync' },
    );
    // The sentinel rewrites its config file: it must be a file of its own.
    const config = join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${NAME} ${options.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${NAME} 10000`,
        `sentinel parallel-syncs ${NAME} 1`,
        '',
      ].join('\n'),
    );
    spawnServer('redis-sentinel', [config]);
    // A failover needs a replica the sentinel knows about (it learns them from the master's INFO).
    await waitFor(
      async () =>
        (await cli(sentinelPort, 'SENTINEL', 'REPLICAS', NAME)).includes(String(replicaPort)),
      { timeoutMs: 20_000, what: 'the sentinel to find the replica' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const masterNow = async () =>
    Number((await cli(sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)).split('\n')[1]);
  return {
    sentinel: { host: '127.0.0.1', port: sentinelPort },
    name: NAME,
    env: {
      SYNAPSE_REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
      SYNAPSE_REDIS_SENTINEL_NAME: NAME,
    },
    masterPort: masterNow,
    async killMaster() {
      const from = await masterNow();
      const started = Date.now();
      const master = servers.get(from);
      master?.kill('SIGKILL');
      const to = await waitFor(
        async () => {
          const port = await masterNow().catch(() => from);
          return port !== from ? port : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50, what: 'the sentinel to promote the replica' },
      );
      return { failoverMs: Date.now() - started, from, to };
    },
    stop,
  };
}

/** One command through `redis-cli` (from Debian's redis-tools, installed with redis-server). */
async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
    return stdout.trim();
  } catch {
    return '';
  }
}
