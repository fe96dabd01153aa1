import type { Logger } from 'pino';
import { loadPg } from '../../optional-deps';
import type { CallLog, PushSubscriptionStore, RecordingIndex, UserDirectory } from '../types';
import { migrate } from './migrate';
import { PostgresCallLog } from './postgres-call-log';
import { PostgresPushSubscriptions } from './postgres-push-subscriptions';
import { PostgresRecordingIndex } from './postgres-recording-index';
import { PostgresUserDirectory } from './postgres-user-directory';

/**
 * `createSynapseServer({ database })`: the call log, the user directory, the Web Push
 * subscriptions and the recording metadata in PostgreSQL.
 */
export interface DatabaseOptions {
  /** `postgres://user:password@host:port/database` (also `postgresql://`). */
  url: string;
  /** Most connections this node opens to the database. Default 10. */
  poolSize?: number;
}

export interface PostgresStores {
  callLog: CallLog;
  users: UserDirectory;
  push: PushSubscriptionStore;
  /** Recording metadata (used when recording is on). */
  recordings: RecordingIndex;
  /** Waits for queries in flight, then closes every connection. */
  close(): Promise<void>;
}

/** PostgreSQL's type id of `bigint` (int8): timestamps and durations in ms fit a JS number. */
const INT8_OID = 20;

/**
 * Connects to PostgreSQL and brings its schema up to date (see `migrate`). Fails when the
 * database cannot be reached, so that a wrong URL stops the start instead of every later write.
 */
export async function openPostgres(
  options: DatabaseOptions,
  logger: Logger,
): Promise<PostgresStores> {
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Per pool, not pg.types.setTypeParser: that would change how a host's own pg code in the
    // same process reads bigints. (The cast: pg types getTypeParser as an overload set.)
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle connection that breaks (database restart) emits here; without a listener that
  // would end the process. The pool replaces it on the next query.
  pool.on('error', (err: unknown) => logger.error({ err }, 'postgres connection error'));
  try {
    await migrate(pool, logger);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return {
    callLog: new PostgresCallLog(pool),
    users: new PostgresUserDirectory(pool),
    push: new PostgresPushSubscriptions(pool),
    recordings: new PostgresRecordingIndex(pool),
    close: () => pool.end(),
  };
}
