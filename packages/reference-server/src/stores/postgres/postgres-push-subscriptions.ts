import type { Pool } from 'pg';
import { pushFromRow, type PushRow } from '../push-rows';
import type { PushSubscriptionRecord, PushSubscriptionStore } from '../types';

/**
 * Web Push subscriptions in PostgreSQL (migration 4), beside the call log: with
 * `SYNAPSE_DATABASE_URL` a browser's registration outlives a Redis that loses its data, and
 * every node reads the same rows.
 */
export class PostgresPushSubscriptions implements PushSubscriptionStore {
  constructor(private readonly pool: Pool) {}

  async save(record: PushSubscriptionRecord, maxPerUser: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO synapse_push_subscriptions
         (tenant, user_id, endpoint, p256dh, auth, server_url, open_url, lang, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant, user_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh,
         auth = excluded.auth, server_url = excluded.server_url, open_url = excluded.open_url,
         lang = excluded.lang, created_at = excluded.created_at`,
      [
        record.tenant,
        record.userId,
        record.endpoint,
        record.keys.p256dh,
        record.keys.auth,
        record.serverUrl,
        record.openUrl,
        record.lang,
        record.createdAt,
      ],
    );
    // Beyond the limit the oldest go; two nodes saving for one user at once each trim to the
    // newest rows, so the user ends with at most `maxPerUser` either way.
    await this.pool.query(
      `DELETE FROM synapse_push_subscriptions WHERE tenant = $1 AND user_id = $2
         AND endpoint NOT IN (SELECT endpoint FROM synapse_push_subscriptions
           WHERE tenant = $1 AND user_id = $2 ORDER BY created_at DESC, seq DESC LIMIT $3)`,
      [record.tenant, record.userId, maxPerUser],
    );
  }

  async remove(tenant: string, userId: string, endpoint: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM synapse_push_subscriptions WHERE tenant = $1 AND user_id = $2 AND endpoint = $3',
      [tenant, userId, endpoint],
    );
    return (rowCount ?? 0) > 0;
  }

  async hasAny(tenant: string, userId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM synapse_push_subscriptions WHERE tenant = $1 AND user_id = $2 LIMIT 1',
      [tenant, userId],
    );
    return rows.length > 0;
  }

  async forUser(tenant: string, userId: string): Promise<PushSubscriptionRecord[]> {
    const { rows } = await this.pool.query<PushRow>(
      `SELECT * FROM synapse_push_subscriptions WHERE tenant = $1 AND user_id = $2
         ORDER BY created_at DESC, seq DESC`,
      [tenant, userId],
    );
    return rows.map(pushFromRow);
  }
}
