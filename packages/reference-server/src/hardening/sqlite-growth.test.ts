import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallInfo } from '@synapse-calling/protocol';
import {
  agent,
  connectClient,
  emitAck,
  mintTestToken,
  TEST_JWT_SECRET,
  useSynapseBin,
  useTestServers,
  waitFor,
  type BinProcess,
} from '@synapse-calling/test-utils/server';
import { configFromEnv } from '../env-config';
import { DATABASE_FILE } from '../stores/sqlite';
import type { CallLog } from '../stores/types';

const DAY = 24 * 60 * 60 * 1000;
const start = useTestServers();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-growth-'));
  dirs.push(dir);
  return dir;
}

/** Writes an ended call to the log directly, as if it had ended `endedAgo` ms ago. */
async function endedCall(log: CallLog, endedAgo: number, metadata?: string): Promise<string> {
  const endedAt = Date.now() - endedAgo;
  const call: CallInfo = {
    id: randomUUID(),
    from: { id: 'alice', name: 'alice', role: 'agent' },
    to: { id: 'bob', name: 'bob', role: 'agent' },
    state: 'ended',
    createdAt: endedAt - 1000,
    endedAt,
    endReason: 'cancelled',
    ...(metadata ? { metadata: { note: metadata } } : {}),
  };
  await log.write({ tenant: 'acme', call, media: 'p2p', durationMs: 0 });
  return call.id;
}

describe('settings', () => {
  it('reads the retention and the maintenance interval from the environment', () => {
    expect(
      configFromEnv({
        SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
        SYNAPSE_CALL_LOG_RETENTION_DAYS: '90',
        SYNAPSE_MAINTENANCE_INTERVAL_MS: '30000',
      }),
    ).toMatchObject({ callLogRetentionDays: 90, maintenanceIntervalMs: 30000 });
    // Unset: the call log is kept forever (the option is left out, so nothing is pruned).
    expect(configFromEnv({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET })).not.toHaveProperty(
      'callLogRetentionDays',
    );
  });
});

describe('the SQLite file', () => {
  it('drops ended calls older than the retention on a timer, and keeps the rest', async () => {
    const server = await start({
      dataDir: tempDir(),
      callLogRetentionDays: 30,
      maintenanceIntervalMs: 100,
    });
    const log = server.synapse.stores.callLog;
    const old = await Promise.all([endedCall(log, 31 * DAY), endedCall(log, 400 * DAY)]);
    const recent = await endedCall(log, 29 * DAY);
    await waitFor(async () => (await Promise.all(old.map((id) => log.get(id)))).every((e) => !e), {
      what: 'the old calls to be pruned',
    });
    expect(await log.get(recent)).toMatchObject({ call: { id: recent } });
  });

  it('checkpoints the write-ahead log on a timer instead of letting it grow', async () => {
    const dir = tempDir();
    const server = await start({ dataDir: dir, maintenanceIntervalMs: 200 });
    const wal = join(dir, `${DATABASE_FILE}-wal`);
    // About 6 MB of history in one burst: more than SQLite's automatic checkpoint keeps.
    const note = 'x'.repeat(2000);
    for (let i = 0; i < 3000; i++) await endedCall(server.synapse.stores.callLog, DAY, note);
    expect(statSync(wal).size).toBeGreaterThan(1024 * 1024);
    await waitFor(() => statSync(wal).size === 0, { what: 'the WAL to be truncated' });
  });
});

describe('lastSeen after a crash (kill -9 of synapse-server)', () => {
  const bin = useSynapseBin();

  function serve(dataDir: string): BinProcess {
    return bin.run({
      SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
      SYNAPSE_DATA_DIR: dataDir,
      SYNAPSE_MAINTENANCE_INTERVAL_MS: '200',
      PORT: '0',
      HOST: '127.0.0.1',
    });
  }

  it('is the last moment the server saw the user, not when they connected', async () => {
    const dataDir = tempDir();
    const first = serve(dataDir);
    const url = await first.listening();
    const connectedAt = Date.now();
    const bob = await connectClient(url, await mintTestToken(agent('bob')));
    expect(await emitAck(bob, 'heartbeat', {})).toEqual({ ok: true });

    // Read the file as another process would, until the server has refreshed bob's lastSeen.
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    const lastSeen = () =>
      (
        db.prepare('SELECT last_seen FROM users WHERE user_id = ?').get('bob') as
          { last_seen: number } | undefined
      )?.last_seen ?? 0;
    try {
      await waitFor(() => lastSeen() > connectedAt + 1000, { what: "bob's lastSeen to move on" });
    } finally {
      db.close();
    }
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    bob.close();

    const second = serve(dataDir);
    const watcher = await connectClient(await second.listening(), await mintTestToken(agent('w')));
    const ack = await emitAck(watcher, 'subscribe-presence', { userIds: ['bob'] });
    if (!ack.ok) throw new Error(ack.error.code);
    const [presence] = ack.presence;
    expect(presence).toMatchObject({ userId: 'bob', status: 'offline' });
    // Within a few refresh intervals of the crash; the connect time was over a second earlier.
    expect(presence?.lastSeen).toBeGreaterThan(killedAt - 1000);
    expect(presence?.lastSeen).toBeLessThanOrEqual(killedAt);
    watcher.close();
  });
});
