// A node that dies in the middle of sweeping another dead node: the next node resumes the sweep
// with what was not yet handled, so no connection of the dead node goes unannounced.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { useRedis, waitFor } from '@synapse-calling/test-utils/server';
import { RedisPresenceStore, type ConnectionPointer } from '../stores/redis-presence-store';
import { ClusterNode } from './cluster-node';

const redis = useRedis();
const TTL_MS = 300;
const logger = pino({ level: 'silent' });
const clients: Redis[] = [];
const nodes: ClusterNode[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  for (const client of clients.splice(0)) client.disconnect();
});

function connect(): Redis {
  const client = new Redis(redis.url);
  clients.push(client);
  return client;
}

function startNode(
  prefix: string,
  nodeId: string,
  onConnectionLost: (pointer: ConnectionPointer) => Promise<void>,
): { node: ClusterNode; client: Redis } {
  const client = connect();
  const node = new ClusterNode({
    redis: client,
    store: new RedisPresenceStore(client, nodeId, prefix),
    nodeId,
    ttlMs: TTL_MS,
    logger,
    onConnectionLost,
    onTick: async () => undefined,
    onDeclaredDead: () => undefined,
  });
  return { node, client };
}

it('a sweep cut short by its node dying is resumed by another node, skipping what was done', async () => {
  const prefix = redis.prefix();
  // The node that crashes first: three connections, a heartbeat that lapses.
  const deadClient = connect();
  const dead = new RedisPresenceStore(deadClient, 'dead', prefix);
  await deadClient.sadd(dead.nodesKey, 'dead');
  for (const userId of ['u1', 'u2', 'u3']) {
    await dead.addConnection({
      socketId: `s-${userId}`,
      tenant: 'acme',
      userId,
      name: userId,
      role: 'agent',
      idle: false,
      connectedAt: Date.now(),
    });
  }

  // The first sweeper handles one connection, then hangs forever on the next: as far as the
  // others can tell it died mid-sweep (its lease is never renewed).
  const first: string[] = [];
  const sweeper = startNode(prefix, 'sweeper', async (pointer) => {
    if (first.length === 1) {
      sweeper.client.disconnect();
      await new Promise(() => undefined);
    }
    // The connection's own close, as the real hook does (presence.disconnected).
    await dead.removeConnection(pointer.tenant, pointer.userId, pointer.socketId);
    first.push(pointer.userId);
  });
  await sweeper.node.start();
  await waitFor(() => first.length === 1, { what: 'the first sweeper to handle one connection' });

  const resumed: string[] = [];
  const heir = startNode(prefix, 'heir', async (pointer) => void resumed.push(pointer.userId));
  await heir.node.start();
  nodes.push(heir.node);
  const checker = connect();
  await waitFor(async () => !(await checker.sismember(dead.nodesKey, 'dead')), {
    timeoutMs: 10_000,
    what: 'the heir to finish the sweep',
  });
  // Every connection handled once across both sweepers: the heir skips what the first did.
  expect(resumed.sort()).toEqual(['u1', 'u2', 'u3'].filter((u) => u !== first[0]));
});
