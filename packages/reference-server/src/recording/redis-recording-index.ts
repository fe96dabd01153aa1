import type { Redis } from 'ioredis';
import type { RecordingIndex, RecordingRow } from '../stores/types';

const FINISHED = new Set(['stopped', 'declined', 'failed']);

/**
 * Recording metadata in Redis, for several nodes: a recording started through one node is found
 * (and downloaded) through any. One JSON value per call, a set of unfinished ones, and a sorted
 * set of finished ones by stop time for retention.
 */
export class RedisRecordingIndex implements RecordingIndex {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'synapse:',
  ) {}

  private key = (callId: string) => `${this.prefix}recording:${callId}`;
  private get unfinishedKey() {
    return `${this.prefix}recordings-unfinished`;
  }
  private get stoppedKey() {
    return `${this.prefix}recordings-stopped`;
  }

  async put(row: RecordingRow): Promise<void> {
    const multi = this.redis.multi().set(this.key(row.callId), JSON.stringify(row));
    if (FINISHED.has(row.recording.status)) {
      multi
        .srem(this.unfinishedKey, row.callId)
        .zadd(this.stoppedKey, row.recording.stoppedAt ?? Date.now(), row.callId);
    } else {
      multi.sadd(this.unfinishedKey, row.callId).zrem(this.stoppedKey, row.callId);
    }
    await multi.exec();
  }

  async get(callId: string): Promise<RecordingRow | undefined> {
    const raw = await this.redis.get(this.key(callId));
    return raw ? (JSON.parse(raw) as RecordingRow) : undefined;
  }

  async getMany(callIds: string[]): Promise<Map<string, RecordingRow>> {
    const found = new Map<string, RecordingRow>();
    if (callIds.length === 0) return found;
    const raws = await this.redis.mget(callIds.map(this.key));
    for (const raw of raws) {
      if (!raw) continue;
      const row = JSON.parse(raw) as RecordingRow;
      found.set(row.callId, row);
    }
    return found;
  }

  async listUnfinished(): Promise<RecordingRow[]> {
    const ids = await this.redis.smembers(this.unfinishedKey);
    return [...(await this.getMany(ids)).values()];
  }

  async listStoppedBefore(before: number, limit: number): Promise<RecordingRow[]> {
    const ids = await this.redis.zrangebyscore(this.stoppedKey, 0, `(${before}`, 'LIMIT', 0, limit);
    const rows = await this.getMany(ids);
    return ids.map((id) => rows.get(id)).filter((r): r is RecordingRow => r !== undefined);
  }

  async delete(callId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.key(callId))
      .srem(this.unfinishedKey, callId)
      .zrem(this.stoppedKey, callId)
      .exec();
  }
}
