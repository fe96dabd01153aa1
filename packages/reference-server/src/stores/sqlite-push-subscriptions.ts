import type { SqliteDatabase } from './sqlite';
import { pushFromRow, type PushRow } from './push-rows';
import type { PushSubscriptionRecord, PushSubscriptionStore } from './types';

/**
 * Web Push subscriptions in the embedded database, beside the call log. The table is created on
 * first use rather than by the database's numbered migrations, so that a server whose host brings
 * its own call log opens no database until a browser registers for push.
 */
export class SqlitePushSubscriptions implements PushSubscriptionStore {
  private statements: ReturnType<typeof prepare> | undefined;

  constructor(private readonly open: () => SqliteDatabase) {}

  private get sql(): ReturnType<typeof prepare> {
    return (this.statements ??= prepare(this.open()));
  }

  async save(record: PushSubscriptionRecord, maxPerUser: number): Promise<void> {
    const { upsert, trim } = this.sql;
    upsert.run({
      tenant: record.tenant,
      user_id: record.userId,
      endpoint: record.endpoint,
      p256dh: record.keys.p256dh,
      auth: record.keys.auth,
      server_url: record.serverUrl,
      open_url: record.openUrl,
      lang: record.lang,
      created_at: record.createdAt,
    });
    trim.run({ tenant: record.tenant, user_id: record.userId, keep: maxPerUser });
  }

  async remove(tenant: string, userId: string, endpoint: string): Promise<boolean> {
    return this.sql.remove.run(tenant, userId, endpoint).changes > 0;
  }

  async hasAny(tenant: string, userId: string): Promise<boolean> {
    return this.sql.any.get(tenant, userId) !== undefined;
  }

  async forUser(tenant: string, userId: string): Promise<PushSubscriptionRecord[]> {
    return this.sql.forUser.all(tenant, userId).map(pushFromRow);
  }
}

function prepare(db: SqliteDatabase) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS push_subscriptions (
      tenant TEXT NOT NULL,
      user_id TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      p256dh TEXT NOT NULL,
      auth TEXT NOT NULL,
      server_url TEXT NOT NULL,
      open_url TEXT,
      lang TEXT,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (tenant, user_id, endpoint)
    )`);
  return {
    upsert: db.prepare(`
      INSERT INTO push_subscriptions
        (tenant, user_id, endpoint, p256dh, auth, server_url, open_url, lang, created_at)
      VALUES (@tenant, @user_id, @endpoint, @p256dh, @auth, @server_url, @open_url, @lang,
        @created_at)
      ON CONFLICT (tenant, user_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh,
        auth = excluded.auth, server_url = excluded.server_url, open_url = excluded.open_url,
        lang = excluded.lang, created_at = excluded.created_at`),
    trim: db.prepare(`
      DELETE FROM push_subscriptions WHERE tenant = @tenant AND user_id = @user_id
        AND endpoint NOT IN (SELECT endpoint FROM push_subscriptions
          WHERE tenant = @tenant AND user_id = @user_id
          ORDER BY created_at DESC, rowid DESC LIMIT @keep)`),
    remove: db.prepare<[string, string, string]>(
      'DELETE FROM push_subscriptions WHERE tenant = ? AND user_id = ? AND endpoint = ?',
    ),
    any: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM push_subscriptions WHERE tenant = ? AND user_id = ? LIMIT 1',
    ),
    forUser: db.prepare<[string, string], PushRow>(
      `SELECT * FROM push_subscriptions WHERE tenant = ? AND user_id = ?
        ORDER BY created_at DESC, rowid DESC`,
    ),
  };
}
