/**
 * Loss, delay and jitter on a home's path to the public services, without netem (this kernel
 * has none): nftables on the home's NAT router redirects that traffic to `impair-relay.mjs`,
 * a small forwarding process on the router that drops and delays what it forwards. The test
 * changes the impairment while calls run.
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stopChild } from './netns';
import { SERVER_ADDRESS, type Home } from './topology';

const RELAY_SCRIPT = resolve(import.meta.dirname, 'impair-relay.mjs');
/** The relay listens on the service's port plus this. */
const OFFSET = 20_000;

export interface Impairment {
  /** Share of packets dropped, each way (0..1). */
  loss?: number;
  /** Added one-way delay, each way. */
  delayMs?: number;
  /** Up to this much more or less delay per packet (reorders UDP). */
  jitterMs?: number;
}

export interface ImpairingRelay {
  /** Applies `impairment` from now on (`{}` lifts it). */
  set(impairment: Impairment): Promise<void>;
  /** Packets (UDP) and chunks (TCP) forwarded and dropped so far. */
  stats(): Promise<{ forwarded: number; dropped: number }>;
  stop(): Promise<void>;
}

/**
 * Makes the relay the only route from `home` to the services on `SERVER_ADDRESS` at `ports`
 * (UDP and TCP), unimpaired until `set` says otherwise.
 */
export async function impairHome(
  home: Home,
  ports: { udp: number[]; tcp: number[] },
): Promise<ImpairingRelay> {
  const routes = [
    ...ports.udp.map((port) => ({ proto: 'udp', port })),
    ...ports.tcp.map((port) => ({ proto: 'tcp', port })),
  ].map((r) => ({ ...r, listen: r.port + OFFSET, host: SERVER_ADDRESS }));
  const child = home.router.spawn(process.execPath, [RELAY_SCRIPT, JSON.stringify({ routes })]);
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const reply = async (): Promise<Record<string, unknown>> => {
    const next = await Promise.race([
      lines.next(),
      once(child, 'exit').then(() => ({ done: true, value: undefined })),
    ]);
    if (next.done) throw new Error(`the impairing relay exited:\n${errors}`);
    return JSON.parse(next.value as string) as Record<string, unknown>;
  };
  await reply(); // {"ready":true}
  const rules = routes
    .map(
      (r) =>
        `iifname "lan" ip daddr ${SERVER_ADDRESS} ${r.proto} dport ${r.port} redirect to :${r.listen}`,
    )
    .join('\n');
  await home.router.nft(`
    table ip impair {
      chain pre {
        type nat hook prerouting priority dstnat; policy accept;
        ${rules}
      }
    }
  `);
  let queue = Promise.resolve<unknown>(undefined);
  const command = (body: object) => {
    const result = queue.then(() => {
      child.stdin!.write(`${JSON.stringify(body)}\n`);
      return reply();
    });
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    async set(impairment) {
      await command(impairment);
    },
    async stats() {
      const s = await command({ stats: true });
      return { forwarded: Number(s.forwarded), dropped: Number(s.dropped) };
    },
    async stop() {
      await home.router.nft('delete table ip impair\n').catch(() => undefined);
      child.stdin?.end();
      await stopChild(child);
    },
  };
}
