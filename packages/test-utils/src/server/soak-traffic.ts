/**
 * Call traffic for a chaos soak: `workers` loops, each picking two idle users at random, placing
 * a call through their own connections (wherever nginx put them), answering it, holding it a
 * moment and ending it from a random side. Every step is bounded: an ack lost to a dying node or
 * a refusal (busy, offline) is counted, never thrown, so the soak goes on through crashes and
 * checks invariants afterwards (`call-log-checks.ts`).
 *
 * ```ts
 * const traffic = driveCalls(clients, { workers: 20, calls: 200, until: Date.now() + 40_000, random });
 * const report = await traffic.done;   // { placed, answered, refused, … }
 * ```
 */
import type { CallInfo, EndReason } from '@synapse-calling/protocol';
import type { ResumingClient } from './cluster';
import { emitAck } from './server';

export interface SoakTrafficOptions {
  /** Concurrent call loops. */
  workers: number;
  /** How many calls to place, spread evenly until `until`: the crashes hit calls in progress. */
  calls: number;
  /** Stop placing calls at this time (ms since the epoch). */
  until: number;
  /** Random numbers in [0, 1): a seeded generator makes a run repeatable. */
  random: () => number;
}

export interface SoakTrafficReport {
  /** Ids of calls the server acknowledged placing. */
  placed: string[];
  /** Calls whose accept the server acknowledged. */
  answered: number;
  /** Steps the server refused, by error code (busy and offline are expected around a crash). */
  refused: Record<string, number>;
  /** Steps whose ack never came (the node died or Redis failed over in between). */
  unacknowledged: number;
}

export interface SoakTraffic {
  done: Promise<SoakTrafficReport>;
  /** Answered calls not yet ended by the traffic, with their parties. */
  live: Map<string, [ResumingClient, ResumingClient]>;
}

/** What one client saw of the calls it was a party of, for the checks at the end. */
export interface SeenEnds {
  /** Call id → the end reasons of every `call-ended` this client received for it. */
  ended: Map<string, Array<EndReason | undefined>>;
}

/** Records every `call-ended` (with its reason) a client receives, across its reconnections. */
export function recordEnds(client: ResumingClient): SeenEnds {
  const seen: SeenEnds = { ended: new Map() };
  client.socket.on('call-ended', ({ call }: { call: CallInfo }) => {
    seen.ended.set(call.id, [...(seen.ended.get(call.id) ?? []), call.endReason]);
  });
  return seen;
}

const ACK_MS = 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function driveCalls(clients: ResumingClient[], options: SoakTrafficOptions): SoakTraffic {
  const report: SoakTrafficReport = { placed: [], answered: 0, refused: {}, unacknowledged: 0 };
  const busy = new Set<ResumingClient>();
  const live = new Map<string, [ResumingClient, ResumingClient]>();
  const refuse = (code: string) => (report.refused[code] = (report.refused[code] ?? 0) + 1);
  const pick = (): ResumingClient | undefined => {
    const idle = clients.filter((c) => !busy.has(c) && c.socket.connected);
    const chosen = idle[Math.floor(options.random() * idle.length)];
    if (chosen) busy.add(chosen);
    return chosen;
  };
  /** Sends `event`; the ack, or undefined when none came in time. */
  const send = async <E extends 'initiate-call' | 'accept-call' | 'end-call'>(
    client: ResumingClient,
    event: E,
    payload: Parameters<typeof emitAck<E>>[2],
  ) => {
    try {
      return await emitAck(client.socket, event, payload, ACK_MS);
    } catch {
      report.unacknowledged++;
      return undefined;
    }
  };
  /** Ends the call from `by`, retrying through reconnections until the server has it ended. */
  const end = async (by: ResumingClient, callId: string) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const ack = await send(by, 'end-call', { callId });
      // not-found / invalid-state: it ended already (a sweep, a timer, the other party).
      if (ack) return ack.ok || refuse(`end-call ${ack.error.code}`);
      await sleep(1_000);
    }
  };
  const oneCall = async (caller: ResumingClient, callee: ResumingClient) => {
    const placed = await send(caller, 'initiate-call', { to: callee.userId });
    if (!placed) return;
    if (!placed.ok) return refuse(`initiate-call ${placed.error.code}`);
    const callId = placed.call.id;
    report.placed.push(callId);
    const deadline = Date.now() + ACK_MS;
    while (!callee.incoming.includes(callId) && Date.now() < deadline) await sleep(50);
    if (!callee.incoming.includes(callId)) return end(caller, callId);
    const accepted = await send(callee, 'accept-call', { callId });
    if (accepted?.ok) {
      report.answered++;
      live.set(callId, [caller, callee]);
    } else if (accepted) refuse(`accept-call ${accepted.error.code}`);
    await sleep(1_000 + options.random() * 3_000);
    await end(options.random() < 0.5 ? caller : callee, callId);
    live.delete(callId);
  };
  const started = Date.now();
  const interval = (options.until - started) / options.calls;
  let attempts = 0;
  const worker = async () => {
    while (attempts < options.calls) {
      await sleep(started + attempts++ * interval - Date.now());
      if (Date.now() >= options.until) break;
      const caller = pick();
      const callee = pick();
      if (caller && callee) await oneCall(caller, callee);
      else await sleep(200);
      if (caller) busy.delete(caller);
      if (callee) busy.delete(callee);
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, worker)).then(() => report);
  return { done, live };
}

/** mulberry32: a small seeded generator, so a soak's choices can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
