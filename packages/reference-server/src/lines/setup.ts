import type { RequestHandler, Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { describeIssues } from '@synapse-calling/protocol/schemas';
import type { CallLifecycle } from '../calls/lifecycle';
import { ConfigError } from '../env-config';
import type { CallRegistry } from '../stores/types';
import { AgentPicker, type AgentPickerDeps } from './agent-picker';
import { linesConfigSchema, resolveLine, type LinesConfig } from './line-config';
import { LineRouter, type LineRouterDeps } from './line-router';
import { lineRoutes } from './line-routes';
import { MemoryLineStore, RedisLineStore, type LineStore } from './line-store';

export interface LinesSetupDeps
  extends
    Omit<AgentPickerDeps, 'store' | 'presence'>,
    Omit<LineRouterDeps, 'store' | 'picker' | 'registry' | 'presence'> {
  registry: CallRegistry;
  presence: AgentPickerDeps['presence'] & LineRouterDeps['presence'];
  config: LinesConfig | undefined;
  /** Several nodes: the line store lives in their Redis. */
  redis?: { client: Redis; prefix: string } | undefined;
  logger: Logger;
}

/** The lines of a running server: their store, their router, and their REST routes. */
export interface Lines {
  store: LineStore;
  router: LineRouter;
  /** Which agents of a line are free now (transfers to a line use it too). */
  picker: AgentPicker;
  routes(auth: RequestHandler): Router;
}

/**
 * Opens the line store, puts the configured lines into it and builds the router. Without a
 * registry that can reassign a callee (a host's own `stores.registry` may lack it) there are no
 * lines: a line call then answers `not-found`, like an unknown line.
 */
export async function setupLines(deps: LinesSetupDeps): Promise<Lines | undefined> {
  const { registry } = deps;
  const config = linesConfigSchema.safeParse(deps.config ?? {});
  if (!config.success) throw new ConfigError(`lines: ${describeIssues(config.error)}`);
  if (!registry.reassignCallee) {
    deps.logger.warn('the call registry has no reassignCallee: support lines are off');
    return undefined;
  }
  const store = deps.redis
    ? new RedisLineStore(deps.redis.client, deps.redis.prefix)
    : new MemoryLineStore();
  for (const [tenant, lines] of Object.entries(config.data)) {
    for (const [id, settings] of Object.entries(lines)) {
      await store.put(tenant, resolveLine(id, settings));
    }
  }
  const picker = new AgentPicker({ ...deps, store });
  const router = new LineRouter({
    ...deps,
    registry: registry as LineRouterDeps['registry'],
    store,
    picker,
  });
  router.start();
  const agents = {
    party: (tenant: string, id: string) => picker.party(tenant, id),
    status: async (tenant: string, id: string) => (await deps.presence.current(tenant, id)).status,
  };
  return {
    store,
    router,
    picker,
    routes: (auth) => lineRoutes({ store, router, auth, agents }),
  };
}

/** `lifecycle` (call recording), also telling the lines when a call ended. */
export function withLines(
  lifecycle: CallLifecycle | undefined,
  lines: Lines | undefined,
): CallLifecycle | undefined {
  if (!lines) return lifecycle;
  return {
    callActive: (record) => {
      lifecycle?.callActive(record);
      lines.router.callActive(record);
    },
    ending: (call, at) => (lifecycle ? lifecycle.ending(call, at) : call),
    callEnded: (record) => {
      lifecycle?.callEnded(record);
      lines.router.callEnded(record);
    },
  };
}
