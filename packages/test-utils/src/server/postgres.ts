/**
 * A throwaway PostgreSQL for tests: Debian's `postgresql` (installed by
 * scripts/ensure-test-deps.sh), `initdb` into a temp dir, the server on a free loopback port with
 * `fsync` off (a test database need not survive a power cut). PostgreSQL refuses to run as root,
 * so as root the processes run as the `postgres` user. Stop it in `afterAll`.
 *
 * ```ts
 * const pg = await startPostgres();
 * const server = await startTestServer({ database: { url: await pg.createDatabase() } });
 * await pg.stop();
 * ```
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freePort, waitFor } from './ports';

export interface TestPostgres {
  /** `postgres://synapse@127.0.0.1:PORT/postgres` (the maintenance database). */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL: one per test keeps tests apart. */
  createDatabase(): Promise<string>;
  /** Fast shutdown (clients are cut off), then the data dir is removed. Idempotent. */
  stop(): Promise<void>;
}

/** The directory holding `initdb` and `postgres`: Debian keeps them off the PATH. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error('PostgreSQL is not installed (scripts/ensure-test-deps.sh installs it)');
  }
  return join(root, versions[0], 'bin');
}

/** uid/gid of the `postgres` account when we are root (PostgreSQL will not run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root needs a postgres account to run PostgreSQL');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'synapse-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await promisify(execFile)(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'synapse', '--no-sync', '-E', 'UTF8'],
    { ...user },
  );
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      ...['-D', data, '-p', String(port), '-k', dir],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
      ...['-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    ],
    { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    })());
  const url = `postgres://synapse@127.0.0.1:${port}/postgres`;
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await waitFor(() => query('SELECT 1').then(() => true), {
      timeoutMs: 20_000,
      what: `postgres on port ${port}`,
    });
  } catch (err) {
    await stop();
    throw new Error(`postgres did not start: ${stderr.trim()}`, { cause: err });
  }
  return {
    url,
    port,
    stop,
    async createDatabase() {
      const name = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await query(`CREATE DATABASE ${name}`);
      return `postgres://synapse@127.0.0.1:${port}/${name}`;
    },
  };
}

/** A PostgreSQL for the test file, started before its tests and stopped after them. */
export interface PostgresFixture {
  /** The running server (inside tests and their hooks). */
  readonly server: TestPostgres;
  /** A fresh, empty database's URL. */
  createDatabase(): Promise<string>;
}

/** Starts one PostgreSQL for the test file (`beforeAll`) and stops it at the end (`afterAll`). */
export function usePostgres(): PostgresFixture {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const running = () => {
    if (!server) throw new Error('the test PostgreSQL runs only inside tests and their hooks');
    return server;
  };
  return {
    get server() {
      return running();
    },
    createDatabase: () => running().createDatabase(),
  };
}
