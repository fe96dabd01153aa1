import { MemoryClaimStore, type ClaimStore } from './claim-store';
import { MemoryCallRegistry } from './memory-call-registry';
import { MemoryPresenceState } from './memory-presence-state';
import { MemoryConnections } from './memory-connections';
import type { PostgresStores } from './postgres/open-postgres';
import { SplitPresenceStore } from './split-presence-store';
import { checkpoint, openDatabase, type SqliteDatabase } from './sqlite';
import { SqliteCallLog } from './sqlite-call-log';
import { SqlitePresenceStore } from './sqlite-presence-store';
import { SqlitePushSubscriptions } from './sqlite-push-subscriptions';
import type {
  CallLog,
  CallRegistry,
  PresenceStore,
  PushSubscriptionStore,
  SharedPresenceState,
} from './types';

/** The stores a server runs on. */
export interface ServerStores {
  presence: PresenceStore;
  registry: CallRegistry;
  callLog: CallLog;
  /** Web Push subscriptions (beside the call log: SQLite, PostgreSQL, or Redis with `redis`). */
  push: PushSubscriptionStore;
}

/** The stores every node of a Redis cluster shares. */
export interface ClusterStores extends ServerStores {
  presence: PresenceStore & SharedPresenceState;
  claims: ClaimStore;
}

export interface OpenedStores {
  stores: ServerStores;
  /** Shown statuses and grace windows: shared when the connection entries are. */
  presenceState: SharedPresenceState;
  /** De-duplication and collapsing of repeats: shared by the nodes of a cluster. */
  claims: ClaimStore;
  /** The embedded database (opened on first use), for stores kept beside the call log. */
  sqlite(): SqliteDatabase;
  /** Periodic upkeep of the SQLite file, if one was opened (the WAL checkpoint). */
  maintain(): void;
  /** Closes the SQLite database or the PostgreSQL pool, if one was opened. */
  close(): Promise<void>;
}

/**
 * Picks each store: the host's own if given, else the PostgreSQL one (call log, user directory
 * and push subscriptions, with `database`), else the cluster's (with Redis), else the embedded one. The SQLite
 * database is opened only for an embedded store that needs it, so with Redis or PostgreSQL (or
 * with both SQLite-backed stores replaced) no file is created.
 */
export function openStores(
  given: Partial<ServerStores>,
  cluster: ClusterStores | undefined,
  dataDir: string,
  postgres?: PostgresStores,
): OpenedStores {
  let db: SqliteDatabase | undefined;
  const sqlite = (): SqliteDatabase => (db ??= openDatabase(dataDir));
  const presence =
    given.presence ??
    (postgres
      ? new SplitPresenceStore(cluster?.presence ?? new MemoryConnections(), postgres.users)
      : (cluster?.presence ?? new SqlitePresenceStore(sqlite())));
  const stores: ServerStores = {
    presence,
    registry: given.registry ?? cluster?.registry ?? new MemoryCallRegistry(),
    callLog: given.callLog ?? postgres?.callLog ?? cluster?.callLog ?? new SqliteCallLog(sqlite()),
    // Opens the database only when a browser first registers or a call first looks for one.
    push: given.push ?? postgres?.push ?? cluster?.push ?? new SqlitePushSubscriptions(sqlite),
  };
  // What subscribers were shown is shared only along with the connection entries it comes from.
  const presenceState = cluster && !given.presence ? cluster.presence : new MemoryPresenceState();
  const claims = cluster?.claims ?? new MemoryClaimStore();
  return {
    stores,
    presenceState,
    claims,
    sqlite,
    maintain: () => {
      if (db) checkpoint(db);
    },
    close: async () => {
      db?.close();
      await postgres?.close();
    },
  };
}
