/**
 * What one network test file starts: the namespaces (`topology.ts`), coturn and/or
 * livekit-server in `pub` when asked, one or more signalling servers with their own settings,
 * and one Chromium per home — the agent's in home a (440 Hz), the customer's in home b
 * (880 Hz). `pair()` opens the two pages of one scenario; `closePages()` hangs up and closes them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ClientOptions } from '@synapse-calling/sdk-core';
import { AGENT_HZ, CUSTOMER_HZ } from '../e2e/e2e-rig';
import { hangUpAll } from '../e2e/e2e-pages';
import { mintTestToken } from '../tokens';
import { launchInNamespace, makeStaticDir, openNetPage } from './net-pages';
import {
  PORTS,
  startCoturn,
  startLiveKitIn,
  startSynapse,
  type Coturn,
  type LiveKitService,
  type Service,
  type SynapseService,
} from './services';
import {
  SERVER_ADDRESS,
  startNetwork,
  type NatKind,
  type TestNetwork,
  type HomeName,
} from './topology';

/** Settings each signalling server is started with, given the services running in `pub`. */
export type ServerEnv = (services: {
  turn?: Coturn | undefined;
  livekit?: LiveKitService | undefined;
}) => Record<string, string>;

export interface NetRigOptions {
  nats: Record<HomeName, NatKind>;
  /** Start coturn in `pub`. */
  turn?: boolean;
  /** Start livekit-server in `pub` (its webhooks go to the first signalling server). */
  livekit?: boolean;
  /** The signalling servers, by name, each on a port of its own. */
  servers: Record<string, ServerEnv>;
  /** Runs once the network exists and before anything connects (e.g. `impairHome`). */
  beforeServices?: (net: TestNetwork) => Promise<void>;
}

export interface NetRig<S extends string> {
  net: TestNetwork;
  turn?: Coturn | undefined;
  livekit?: LiveKitService | undefined;
  servers: Record<S, SynapseService>;
  browsers: Record<HomeName, Browser>;
  /**
   * An agent's page in home a and a customer's page in home b, on server `server`, each with a
   * call button for the other. Users are new for every pair (ids end in a counter).
   */
  pair(
    server: S,
    options?: { tenant?: string; client?: Partial<ClientOptions> },
  ): Promise<{ agent: Page; customer: Page; agentId: string; customerId: string }>;
  /** Hangs up and closes every page opened since the last call. */
  closePages(): Promise<void>;
  /** The services' recent output, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

let pairs = 0;

export async function startNetRig<S extends string>(
  options: NetRigOptions & { servers: Record<S, ServerEnv> },
): Promise<NetRig<S>> {
  const net = await startNetwork(options.nats);
  const services: Service[] = [];
  const staticDir = makeStaticDir();
  const pages: Page[] = [];
  const browsers: Partial<Record<HomeName, Browser>> = {};
  const stop = async () => {
    await Promise.all(Object.values(browsers).map((b) => b?.close().catch(() => undefined)));
    await Promise.all(services.splice(0).map((s) => s.stop()));
    await net.stop();
    staticDir.remove();
  };
  try {
    await options.beforeServices?.(net);
    const names = Object.keys(options.servers) as S[];
    const turn = options.turn ? await startCoturn(net.pub) : undefined;
    if (turn) services.push(turn);
    const webhook = `http://${SERVER_ADDRESS}:${PORTS.synapse}/api/livekit/webhook`;
    const livekit = options.livekit ? await startLiveKitIn(net.pub, webhook) : undefined;
    if (livekit) services.push(livekit);
    const servers = {} as Record<S, SynapseService>;
    for (const [i, name] of names.entries()) {
      const env = options.servers[name]({ turn, livekit });
      servers[name] = await startSynapse(net.pub, env, {
        port: PORTS.synapse + i,
        staticDir: staticDir.dir,
      });
      services.push(servers[name]);
    }
    const origins = Object.values<SynapseService>(servers).map((s) => s.url);
    browsers.a = await launchInNamespace(net.homes.a.host, { toneHz: AGENT_HZ, origins });
    browsers.b = await launchInNamespace(net.homes.b.host, { toneHz: CUSTOMER_HZ, origins });
    return {
      net,
      turn,
      livekit,
      servers,
      browsers: browsers as Record<HomeName, Browser>,
      async pair(server, { tenant = 'acme', client } = {}) {
        const n = ++pairs;
        const agentId = `agent${n}`;
        const customerId = `customer${n}`;
        const url = servers[server].url;
        const [agentToken, customerToken] = await Promise.all([
          mintTestToken({ sub: agentId, tenant, role: 'agent', name: `Agent ${n}` }),
          mintTestToken({ sub: customerId, tenant, role: 'customer', name: `Customer ${n}` }),
        ]);
        const open = (
          browser: Browser,
          token: string,
          peer: { id: string; name: string },
          who: string,
        ) =>
          openNetPage(browser, { url, token, peer, options: client, who }).then((page) => {
            pages.push(page);
            return page;
          });
        const agent = await open(
          browsers.a!,
          agentToken,
          { id: customerId, name: `Customer ${n}` },
          agentId,
        );
        const customer = await open(
          browsers.b!,
          customerToken,
          { id: agentId, name: `Agent ${n}` },
          customerId,
        );
        return { agent, customer, agentId, customerId };
      },
      async closePages() {
        const open = pages.splice(0).filter((p) => !p.isClosed());
        await Promise.all(open.map((p) => hangUpAll(p).catch(() => undefined)));
        await Promise.all(
          open.map((p) =>
            p
              .context()
              .close()
              .catch(() => undefined),
          ),
        );
      },
      logs() {
        const named: [string, Service | undefined][] = [
          ['coturn', turn],
          ['livekit', livekit],
          ...Object.entries<SynapseService>(servers),
        ];
        return named
          .filter(([, s]) => s)
          .map(([name, s]) => `--- ${name}\n${s!.output().slice(-3000)}`)
          .join('\n');
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The rig as a vitest fixture: started before the file's tests, stopped after them; after each
 * test the pages are hung up and closed and both homes' paths unblocked, and when a test failed
 * the services' recent logs are printed. `fixture.rig` is the running rig.
 */
export function useNetRig<S extends string>(
  options: NetRigOptions & { servers: Record<S, ServerEnv> },
): { readonly rig: NetRig<S> } {
  let running: NetRig<S> | undefined;
  beforeAll(async () => {
    running = await startNetRig(options);
  });
  afterEach(async ({ task }) => {
    if (!running) return;
    if (task.result?.state === 'fail') console.error(running.logs());
    await Promise.all([running.net.unblock('a'), running.net.unblock('b')]);
    await running.closePages();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get rig(): NetRig<S> {
      if (!running) throw new Error('the network rig runs only inside tests and their hooks');
      return running;
    },
  };
}
