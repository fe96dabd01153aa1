// SCRATCH: heavy loop to reproduce the "stuck in connecting" bug. Not to be committed.
import { describe, expect, inject, it } from 'vitest';
import type { Call, ClientCallState, SynapseClient } from '../index';
import { pageClient, uid } from '../../../../test/helpers/sdk-browser';
import { waitForEvent } from '../../../../test/helpers/sdk-events';
import type { P2PSession } from './p2p';

const url = inject('serverUrl');
const secret = inject('jwtSecret');
const N = Number((import.meta as { env?: Record<string, string> }).env?.VITE_LOOP_N ?? 80);
const PAUSE = Number((import.meta as { env?: Record<string, string> }).env?.VITE_LOOP_PAUSE ?? 0);
const FRESH = (import.meta as { env?: Record<string, string> }).env?.VITE_LOOP_FRESH === '1';

function reach(call: Call, state: ClientCallState, timeoutMs: number): Promise<unknown> {
  if (call.state === state) return Promise.resolve();
  return waitForEvent(call, 'stateChanged', { filter: (s) => s === state, timeoutMs });
}

type Log = string[];
const t0 = performance.now();
const ts = () => (performance.now() - t0).toFixed(1);

function instrument(client: SynapseClient, name: string, log: Log): () => void {
  const off = client.on('protocolMessage', (m) => {
    if (m.event === 'presence-changed' || m.event === 'heartbeat') return;
    const p = m.payload as { signal?: { type: string; description?: { type: string }; candidate?: unknown } };
    let what = '';
    if (p?.signal) {
      what =
        p.signal.type === 'description'
          ? `desc:${p.signal.description?.type}`
          : p.signal.type === 'candidate'
            ? `cand${p.signal.candidate ? '' : ':null'}`
            : p.signal.type;
    }
    log.push(`${ts()} ${name} ${m.direction === 'out' ? '->' : '<-'} ${m.event} ${what}`);
  });
  // Observe acks (scratch only): wrap the signaling manager's request.
  const sig = (client as unknown as { signaling: { request: (...a: unknown[]) => Promise<unknown> } })
    .signaling;
  const orig = sig.request.bind(sig);
  sig.request = async (...args: unknown[]) => {
    try {
      const r = await orig(...args);
      if (args[0] === 'media-signal') log.push(`${ts()} ${name} ack ok media-signal`);
      return r;
    } catch (err) {
      log.push(`${ts()} ${name} ACK FAIL ${String(args[0])}: ${(err as Error).message}`);
      throw err;
    }
  };
  return () => {
    off();
    sig.request = orig;
  };
}

function watchPc(call: Call, name: string, log: Log): void {
  const attach = () => {
    const s = call.media as P2PSession | null;
    if (!s) return false;
    const seen = new WeakSet<RTCPeerConnection>();
    const hook = () => {
      const pc = s.peerConnection;
      if (seen.has(pc)) return;
      seen.add(pc);
      const dump = (what: string) =>
        log.push(
          `${ts()} ${name} pc ${what}: sig=${pc.signalingState} ice=${pc.iceConnectionState} gather=${pc.iceGatheringState} conn=${pc.connectionState}`,
        );
      pc.addEventListener('signalingstatechange', () => dump('signaling'));
      pc.addEventListener('iceconnectionstatechange', () => dump('ice'));
      pc.addEventListener('connectionstatechange', () => dump('conn'));
      pc.addEventListener('negotiationneeded', () => dump('negotiationneeded'));
    };
    hook();
    s.on('error', (e) => log.push(`${ts()} ${name} session error ${e.message} ${String((e as Error & { cause?: unknown }).cause)}`));
    return true;
  };
  if (!attach()) {
    const off = call.on('stateChanged', () => {
      if (attach()) off();
    });
    // session is created asynchronously after 'connecting'
    const iv = setInterval(() => {
      if (call.state === 'ended' || attach()) clearInterval(iv);
    }, 1);
  }
}

describe('P2P loop (scratch)', () => {
  it(`places ${N} calls back to back`, { timeout: 3_600_000 }, async () => {
    let alice!: SynapseClient;
    let bob!: SynapseClient;
    let aliceId = '';
    let bobId = '';
    const pair = async () => {
      [aliceId, bobId] = [uid('alice'), uid('bob')];
      alice = pageClient(url, secret, aliceId);
      bob = pageClient(url, secret, bobId);
      await Promise.all([alice.connect(), bob.connect()]);
    };
    if (!FRESH) await pair();
    let failures = 0;
    const durations: number[] = [];
    for (let i = 0; i < N; i++) {
      if (FRESH) await pair();
      const log: Log = [];
      const offs = [instrument(alice, 'A', log), instrument(bob, 'B', log)];
      const start = performance.now();
      const incoming = waitForEvent(bob, 'incomingCall');
      const out = await alice.call(bobId);
      watchPc(out, 'A', log);
      const inc = await incoming;
      watchPc(inc, 'B', log);
      await inc.accept();
      try {
        await Promise.all([reach(out, 'active', 8000), reach(inc, 'active', 8000)]);
        durations.push(performance.now() - start);
      } catch {
        failures++;
        const snap = (c: Call, n: string) => {
          const s = c.media as P2PSession | null;
          const pc = s?.peerConnection;
          return `${n} state=${c.state} pc sig=${pc?.signalingState} ice=${pc?.iceConnectionState} conn=${pc?.connectionState} local=${pc?.localDescription?.type} remote=${pc?.remoteDescription?.type}`;
        };
        console.log(
          `FAILURE call ${i}\n${log.join('\n')}\n${snap(out, 'A')}\n${snap(inc, 'B')}`,
        );
      }
      for (const off of offs) off();
      const ended = inc.state === 'ended' ? Promise.resolve() : waitForEvent(inc, 'ended');
      await out.end();
      await ended;
      if (FRESH) await Promise.all([alice.disconnect(), bob.disconnect()]);
      if (PAUSE) await new Promise((r) => setTimeout(r, PAUSE));
    }
    durations.sort((a, b) => a - b);
    console.log(
      `LOOP RESULT: ${failures} failures in ${N} calls; median ${durations[Math.floor(durations.length / 2)]?.toFixed(0)} ms p99 ${durations[Math.floor(durations.length * 0.99)]?.toFixed(0)} ms`,
    );
    if (!FRESH) await Promise.all([alice.disconnect(), bob.disconnect()]);
    expect(failures).toBe(0);
  });
});
