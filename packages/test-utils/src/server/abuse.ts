/**
 * What a hostile client does, for the abuse and hardening tests: events with any payload at all,
 * floods, and frames written by hand (payloads a JSON encoder cannot build).
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Manager, type ManagerOptions } from 'socket.io-client';
import type { TestClient } from './server';

/** Emits with any payload at all, bypassing the typed API, and returns the ack. */
export function rawEmit(client: TestClient, event: string, ...args: unknown[]): Promise<unknown> {
  const loose = client as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  return loose.timeout(10_000).emitWithAck(event, ...args);
}

/** `ok`, or the error code of a failed ack. */
export function outcomeOf(ack: unknown): string {
  const a = ack as { ok?: unknown; error?: { code?: unknown } };
  if (a.ok === true) return 'ok';
  return typeof a.error?.code === 'string' ? a.error.code : 'unknown';
}

/** Sends `count` copies of one event at once and counts the acks by outcome. */
export async function flood(
  client: TestClient,
  event: string,
  payload: unknown,
  count: number,
): Promise<Record<string, number>> {
  const acks = await Promise.all(
    Array.from({ length: count }, () => rawEmit(client, event, payload)),
  );
  const counts: Record<string, number> = {};
  for (const ack of acks) {
    const outcome = outcomeOf(ack);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/**
 * Writes one `/call` event frame by hand (`json` is the payload's text) and resolves with its
 * ack. Payloads that JSON.stringify cannot build on the client (30,000 levels of nesting) reach
 * the server this way. The ack is registered in the client's own table of pending acks
 * (socket.io-client internals: `ids`, `acks`), so it arrives like any other.
 */
export function rawFrame(client: TestClient, event: string, json: string): Promise<unknown> {
  const internals = client as unknown as {
    ids: number;
    acks: Record<number, (...args: unknown[]) => void>;
  };
  const id = internals.ids++;
  const acked = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      delete internals.acks[id];
      reject(new Error(`no ack for a hand-written '${event}' within 10 s`));
    }, 10_000);
    internals.acks[id] = (ack: unknown) => {
      clearTimeout(timer);
      resolve(ack);
    };
  });
  const engine = client.io.engine as unknown as { send(data: string): void };
  engine.send(`2/call,${id}[${JSON.stringify(event)},${json}]`);
  return acked;
}

/** Metadata nested `depth` levels deep, as JSON text (`{"to":…,"metadata":{"a":[[[…]]]}}`). */
export function deeplyNestedCall(to: string, depth: number): string {
  return `{"to":${JSON.stringify(to)},"metadata":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}

/**
 * An Engine.IO connection that joins no namespace (so it never authenticates); resolves once
 * open, rejects when the server refuses it.
 */
export async function bareConnection(
  url: string,
  options: Partial<ManagerOptions> = {},
): Promise<Manager> {
  const manager = new Manager(url, {
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
    ...options,
  });
  await new Promise<void>((resolve, reject) =>
    manager.open((err) => (err ? reject(err) : resolve())),
  );
  return manager;
}

/** The attacks `hostile-client.mjs` knows. */
export const ATTACKS = [
  'flood',
  'binary',
  'deep',
  'connections',
  'unauthenticated',
  'rest',
] as const;
export type Attack = (typeof ATTACKS)[number];

export interface HostileClient {
  /** Stops the attack; resolves with what the server answered, by outcome. */
  stop(): Promise<Record<string, number>>;
}

/**
 * Runs `attack` against `url` from `hostile-client.mjs` in a process of its own (so that the
 * attacker's CPU does not delay what the test measures), as the user of `token`: as fast as the
 * server lets it, or `rate` events a second per connection.
 */
export function startHostileClient(
  attack: Attack,
  url: string,
  token: string,
  { rate = 0, connections = 2 }: { rate?: number; connections?: number } = {},
): HostileClient {
  const script = fileURLToPath(new URL('./hostile-client.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, attack, url, token, String(rate), String(connections)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // In production the attacker's CPU is not the server's: here, on one machine, the attacker
  // yields the CPU to everyone else, so that what slows the bystander is the server's work only.
  if (child.pid) setPriority(child.pid, 19);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const last = output.trim().split('\n').at(-1) ?? '{}';
      return (JSON.parse(last) as { outcomes?: Record<string, number> }).outcomes ?? {};
    },
  };
}
