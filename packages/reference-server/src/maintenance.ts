import type { Logger } from 'pino';
import type { PresenceManager } from './presence/presence-manager';
import type { CallLog } from './stores/types';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface MaintenanceDeps {
  intervalMs: number;
  /** Ended calls older than this many days are deleted; unset keeps them forever. */
  retentionDays?: number | undefined;
  presence: Pick<PresenceManager, 'touchOnline'>;
  callLog: CallLog;
  /** Upkeep of the embedded database (the WAL checkpoint); a no-op without one. */
  maintainDatabase: () => void;
  logger: Logger;
}

/**
 * What keeps a long-running server's state honest and its files bounded, run every
 * `intervalMs`: lastSeen of connected users, call log retention, the SQLite WAL checkpoint. Each
 * step's failure is logged and does not stop the others, nor the next run.
 */
export class Maintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: MaintenanceDeps) {
    const { retentionDays, callLog, logger } = deps;
    if (retentionDays !== undefined && !callLog.prune) {
      logger.warn(
        'callLogRetentionDays is set, but this call log cannot prune: nothing is deleted',
      );
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.run().finally(() => (this.running = undefined));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress (before the stores close). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async run(): Promise<void> {
    const { presence, callLog, retentionDays, maintainDatabase, logger } = this.deps;
    await step(logger, 'lastSeen refresh', () => presence.touchOnline());
    if (retentionDays !== undefined && callLog.prune) {
      const prune = callLog.prune.bind(callLog);
      await step(logger, 'call log retention', async () => {
        const removed = await prune(Date.now() - retentionDays * DAY_MS);
        if (removed > 0) logger.info({ removed, retentionDays }, 'old calls removed from the log');
      });
    }
    await step(logger, 'database checkpoint', maintainDatabase);
  }
}

async function step(logger: Logger, what: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    logger.error({ err }, `maintenance: ${what} failed`);
  }
}
