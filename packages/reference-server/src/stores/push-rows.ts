import type { PushSubscriptionRecord } from './types';

/** One row of the push subscriptions as the SQL stores (SQLite, PostgreSQL) read it. */
export interface PushRow {
  tenant: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  server_url: string;
  open_url: string | null;
  lang: string | null;
  created_at: number;
}

export function pushFromRow(row: PushRow): PushSubscriptionRecord {
  return {
    tenant: row.tenant,
    userId: row.user_id,
    endpoint: row.endpoint,
    keys: { p256dh: row.p256dh, auth: row.auth },
    serverUrl: row.server_url,
    openUrl: row.open_url,
    lang: row.lang,
    createdAt: row.created_at,
  };
}
