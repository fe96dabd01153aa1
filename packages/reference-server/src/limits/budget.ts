import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/** Whether one more request fits the budget; if not, when the window that refused it ends. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/** A number of requests per key (a user, an address) in each one-second window. */
export interface Budget {
  take(key: string): Promise<Verdict>;
  /**
   * Gives back one request taken from `key`'s budget, e.g. once a request turned out to be
   * authenticated, so that a per-address budget counts only the ones that are not.
   */
  refund(key: string): void;
}

/** Makes the budgets of one server: in its memory, or in Redis shared by every node. */
export type BudgetFactory = (name: string, perSecond: number) => Budget;

/** Budgets in this process's memory: no I/O per request. */
export function memoryBudgets(): BudgetFactory {
  return (name, perSecond) =>
    budget(new RateLimiterMemory({ keyPrefix: name, points: perSecond, duration: 1 }));
}

/**
 * Budgets in Redis, one count per key for every node. A key that used up its window is then
 * refused from this node's memory until the window ends, so a flood costs no Redis round trip
 * per refused request; if Redis fails, each node falls back to a budget of its own in memory
 * rather than refusing everyone or letting everything through.
 */
export function redisBudgets(redis: Redis, prefix: string, logger: Logger): BudgetFactory {
  return (name, perSecond) =>
    budget(
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}limit:${name}`,
        points: perSecond,
        duration: 1,
        inMemoryBlockOnConsumed: perSecond,
        insuranceLimiter: new RateLimiterMemory({ points: perSecond, duration: 1 }),
      }),
      logger,
    );
}

function budget(limiter: RateLimiterAbstract, logger?: Logger): Budget {
  return {
    refund: (key) => {
      limiter.reward(key, 1).catch((err: unknown) => logger?.warn({ err }, 'refund failed'));
    },
    take: (key) =>
      limiter.consume(key).then(
        (): Verdict => ({ ok: true }),
        (refusal: unknown): Verdict => {
          if (refusal instanceof RateLimiterRes) {
            return { ok: false, retryAfterMs: refusal.msBeforeNext };
          }
          // The insurance limiter covers store failures, so this is unexpected: let it through.
          logger?.error({ err: refusal }, 'rate limiter failed');
          return { ok: true };
        },
      ),
  };
}
