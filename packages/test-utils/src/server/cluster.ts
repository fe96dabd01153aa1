/**
 * A production-shaped cluster for tests: PostgreSQL (call log), Redis (presence, calls,
 * broadcasts), three `synapse-server` processes (the built bin) and nginx in front with the
 * docs' config. Clients connect only through nginx; each node can be stopped (SIGTERM: a drain),
 * killed (SIGKILL: a crash) and started again on its own port.
 *
 * ```ts
 * const cluster = await startCluster();
 * const alice = await resumingClient(cluster.url, agent('alice'));
 * await cluster.nodes[0].restart();     // SIGTERM, wait for the exit, start again
 * await cluster.stop();
 * ```
 */
import { io as ioClient } from 'socket.io-client';
import type { SyncResult } from '@synapse-calling/protocol';
import { spawnSynapseBin, type BinProcess } from './bin';
import { startNginx, type TestNginx } from './nginx';
import { freePort, waitFor } from './ports';
import { startPostgres, type TestPostgres } from './postgres';
import { startRedis, type TestRedis } from './redis';
import { startSentinelRedis, type TestSentinelRedis } from './sentinel';
import {
  TEST_JWT_SECRET,
  agent,
  emitAck,
  mintTestToken,
  type TestClient,
  type TestTokenClaims,
} from './server';

export interface ClusterNodeHandle {
  port: number;
  /** The running process (replaced by `start`). */
  proc: BinProcess;
  /** Everything every process of this node wrote, for diagnosis. */
  logs(): string;
  /** SIGTERM (the node drains), then waits for the exit code. */
  terminate(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** Starts the node again on its port and waits until it listens. */
  start(): Promise<void>;
  /** `terminate()` then `start()`: one step of a rolling restart. */
  restart(): Promise<number | null>;
}

export interface TestCluster {
  /** nginx: the only address clients use. */
  url: string;
  nodes: ClusterNodeHandle[];
  /** The plain Redis, or (with `sentinel`) a master, a replica and a sentinel. */
  redis: TestRedis | TestSentinelRedis;
  postgres: TestPostgres;
  databaseUrl: string;
  nginx: TestNginx;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Extra environment for every node (e.g. `SYNAPSE_RECONNECT_GRACE_MS`). */
  env?: Record<string, string>;
  /** Redis behind Sentinel (`startSentinelRedis`) instead of one plain Redis. */
  sentinel?: boolean;
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const [postgres, redis] = await Promise.all([
    startPostgres(),
    options.sentinel ? startSentinelRedis() : startRedis(),
  ]);
  const redisEnv = 'url' in redis ? { REDIS_URL: redis.url } : redis.env;
  const databaseUrl = await postgres.createDatabase();
  const ports = await Promise.all(Array.from({ length: options.nodes ?? 3 }, () => freePort()));
  const env = (port: number): Record<string, string> => ({
    PORT: String(port),
    SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
    ...redisEnv,
    SYNAPSE_DATABASE_URL: databaseUrl,
    // nginx is the one proxy: the per-address limits see the client, not nginx.
    SYNAPSE_TRUST_PROXY: '1',
    ...options.env,
  });
  const nodes = ports.map((port): ClusterNodeHandle => {
    const earlier: BinProcess[] = [];
    const node: ClusterNodeHandle = {
      port,
      proc: undefined as unknown as BinProcess,
      logs: () => [...earlier, node.proc].map((p) => p.output()).join(''),
      async start() {
        if (node.proc) earlier.push(node.proc);
        node.proc = spawnSynapseBin(env(port));
        await node.proc.listening(30_000);
      },
      async terminate() {
        node.proc.child.kill('SIGTERM');
        return node.proc.exited;
      },
      async kill() {
        node.proc.child.kill('SIGKILL');
        await node.proc.exited;
      },
      async restart() {
        const code = await node.terminate();
        await node.proc.stop(); // the data dir
        await node.start();
        return code;
      },
    };
    return node;
  });
  let nginx: TestNginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.proc?.stop()));
    await Promise.all([redis.stop(), postgres.stop()]);
  };
  try {
    // One at a time: several nodes migrating at once is tested elsewhere; here it only slows.
    for (const node of nodes) await node.start();
    // After the nodes: nginx's own start probe would otherwise mark them all failed for a while.
    nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: nginx.url, nodes, redis, postgres, databaseUrl, nginx, stop };
}

/** The node id a node's process logged when it became ready (its heartbeat key's name). */
export function nodeIdOf(output: string): string | undefined {
  return /"node":"([^"]+)","msg":"synapse calling server ready"/.exec(output)?.[1];
}

/** The time of the first line of `logs` saying node `nodeId` is gone (a survivor swept it). */
export function sweptAt(logs: string, nodeId: string): number | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes('node is gone') || !line.includes(`"node":"${nodeId}"`)) continue;
    return (JSON.parse(line) as { time: number }).time;
  }
  return undefined;
}

/**
 * A Socket.IO client that behaves like sdk-core across a lost connection: it reconnects by
 * itself (through nginx, to whichever node) and sends `sync` on every connection, which is how
 * a client takes its call over on the new node. Records what it was told.
 */
export interface ResumingClient {
  socket: TestClient;
  userId: string;
  /** Every `sync` answer, oldest first (the first is the initial connection's). */
  syncs: SyncResult[];
  /** How many times this client connected (1 + reconnections). */
  connections(): number;
  /** `incoming-call` events received. */
  incoming: string[];
  /** Call ids of `call-ended` events received. */
  ended: string[];
  /** Messages of failed connection attempts, oldest first. */
  connectErrors: string[];
  close(): void;
}

export async function resumingClient(
  url: string,
  claims: TestTokenClaims,
): Promise<ResumingClient> {
  const token = await mintTestToken(claims);
  const socket: TestClient = ioClient(`${url}/call`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
  });
  let connections = 0;
  const errors: string[] = [];
  socket.on('connect_error', (err) => void errors.push(`${Date.now()} ${err.message}`));
  const client: ResumingClient = {
    socket,
    userId: claims.sub,
    syncs: [],
    connections: () => connections,
    incoming: [],
    ended: [],
    connectErrors: errors,
    close: () => socket.close(),
  };
  socket.on('incoming-call', (p) => void client.incoming.push(p.call.id));
  socket.on('call-ended', (p) => void client.ended.push(p.call.id));
  socket.on('connect', () => {
    connections++;
    socket.emit('sync', {}, (ack) => {
      if (ack.ok) client.syncs.push(ack);
    });
  });
  await waitFor(() => client.syncs.length > 0, {
    what: `${claims.sub} to connect and sync`,
  }).catch((err: unknown) => {
    socket.close();
    throw new Error(`${(err as Error).message} (connect errors: ${errors.join('; ')})`);
  });
  return client;
}

/** A call between two resuming clients. */
export interface LiveCall {
  id: string;
  caller: ResumingClient;
  callee: ResumingClient;
}

/**
 * `pairs` answered calls between fresh clients `caller<i>` and `callee<i>`, all connected
 * through `url` (so spread over the nodes by the load balancer). `clients` collects every client
 * (close them after the test).
 */
export async function placeLiveCalls(
  url: string,
  pairs: number,
  clients: ResumingClient[],
): Promise<LiveCall[]> {
  const calls: LiveCall[] = [];
  for (let i = 0; i < pairs; i++) {
    const caller = await resumingClient(url, agent(`caller${i}`));
    const callee = await resumingClient(url, agent(`callee${i}`));
    clients.push(caller, callee);
    const placed = await emitAck(caller.socket, 'initiate-call', { to: callee.userId });
    if (!placed.ok) throw new Error(`initiate-call: ${placed.error.code}`);
    await waitFor(() => callee.incoming.includes(placed.call.id), { what: 'the ring' });
    const accepted = await emitAck(callee.socket, 'accept-call', { callId: placed.call.id });
    if (!accepted.ok) throw new Error(`accept-call: ${accepted.error.code}`);
    calls.push({ id: placed.call.id, caller, callee });
  }
  return calls;
}
