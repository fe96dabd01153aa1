import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startRedis,
  startTestServer,
  waitFor,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';
import { DATABASE_FILE, openDatabase } from './stores/sqlite';
import { SqliteCallLog } from './stores/sqlite-call-log';
import { SqlitePresenceStore } from './stores/sqlite-presence-store';

const alice = { sub: 'alice', tenant: 'acme', role: 'agent' as const, name: 'Alice' };
const cleanup: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-stores-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(options: TestServerOptions) {
  const server = await startTestServer(options);
  cleanup.push(() => server.close());
  return server;
}

describe('the stores a server runs on', () => {
  it('keeps the embedded user directory in <dataDir>/synapse.sqlite, where a restart finds it', async () => {
    const dir = dataDir();
    const server = await start({ dataDir: dir });
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
    const client = await server.connect(alice);
    await waitFor(() => server.synapse.stores.presence.getUser('acme', 'alice'));
    client.close();
    await server.close();

    const db = openDatabase(dir);
    cleanup.push(() => void db.close());
    expect(await new SqlitePresenceStore(db).getUser('acme', 'alice')).toMatchObject({
      name: 'Alice',
      role: 'agent',
    });
  });

  it('opens no database when the host brings both SQLite-backed stores, and uses them', async () => {
    const dir = dataDir();
    const own = openDatabase(':memory:');
    cleanup.push(() => void own.close());
    const presence = new SqlitePresenceStore(own);
    const server = await start({
      dataDir: dir,
      stores: { presence, callLog: new SqliteCallLog(own) },
    });
    await server.connect(alice);
    await waitFor(async () => (await presence.connections('acme', 'alice')).length === 1);
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);
  });

  it('opens no database with Redis', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const dir = dataDir();
    const server = await start({ dataDir: dir, redis: { url: redis.url } });
    await server.connect(alice);
    await waitFor(
      async () => (await server.synapse.stores.presence.connections('acme', 'alice')).length === 1,
    );
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);
  });
});
