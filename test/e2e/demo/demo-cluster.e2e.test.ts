// `npm run demo:cluster` (issue 19, "Done when"): the script starts PostgreSQL, Redis, three demo
// nodes and nginx; a user opens nginx's address, two demo users sign in with the dev sign-in,
// one calls the other (spread over the nodes by nginx), both histories show the call (from
// PostgreSQL), and Ctrl-C stops every process the script started and removes its temp dir.
// Needs the packages built (`npm run build`), as `npm run demo:cluster` does first.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallInfo } from '@synapse-calling/protocol';
import {
  startDemoCluster,
  type RunningDemoCluster,
} from '@synapse-calling/test-utils/e2e/demo-cluster';
import {
  connectClient,
  emitAck,
  waitForEvent,
  type TestClient,
} from '@synapse-calling/test-utils/server';

let demo: RunningDemoCluster;
const sockets: TestClient[] = [];

beforeAll(async () => {
  demo = await startDemoCluster();
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  if (demo?.process.exitCode === null) await demo.interrupt();
});

async function signIn(user: string): Promise<{ token: string; socket: TestClient }> {
  const res = await fetch(`${demo.url}/demo/token?user=${user}`);
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  const socket = await connectClient(demo.url, token);
  sockets.push(socket);
  // As sdk-core's connect() does: once `sync` is answered the user is online on every node.
  expect((await emitAck(socket, 'sync', {})).ok).toBe(true);
  return { token, socket };
}

async function history(token: string): Promise<CallInfo[]> {
  const res = await fetch(`${demo.url}/api/calls`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { calls: CallInfo[] }).calls;
}

describe('npm run demo:cluster', () => {
  it('serves the demo pages through nginx', async () => {
    for (const path of ['/', '/crm-agent/', '/customer-portal/', '/custom-ui/']) {
      const res = await fetch(`${demo.url}${path}`);
      expect(res.status, path).toBe(200);
    }
    expect(demo.output()).toContain('3 nodes behind nginx');
  });

  it('places a call between two demo users through nginx', async () => {
    const alice = await signIn('alice');
    const carol = await signIn('carol');
    const ring = waitForEvent(carol.socket, 'incoming-call');
    const placed = await emitAck(alice.socket, 'initiate-call', { to: 'carol' });
    if (!placed.ok) throw new Error(placed.error.code);
    expect((await ring).call.id).toBe(placed.call.id);
    const accepted = waitForEvent(alice.socket, 'call-accepted');
    expect((await emitAck(carol.socket, 'accept-call', { callId: placed.call.id })).ok).toBe(true);
    await accepted;
    const ended = waitForEvent(carol.socket, 'call-ended');
    expect((await emitAck(alice.socket, 'end-call', { callId: placed.call.id })).ok).toBe(true);
    expect((await ended).call.endReason).toBe('completed');
    // Both see the call in their history, whichever node answers the request.
    for (const who of [alice, carol]) {
      const calls = await history(who.token);
      expect(calls.find((c) => c.id === placed.call.id)).toMatchObject({
        endReason: 'completed',
        from: { id: 'alice' },
        to: { id: 'carol' },
      });
    }
  });

  it('stops every process it started on Ctrl-C (SIGINT) and removes its files', async () => {
    const started = demo.processes();
    // PostgreSQL, Redis, three nodes and nginx, and their own children.
    expect(started.length).toBeGreaterThanOrEqual(6);
    for (const s of sockets) s.close();
    expect(await demo.interrupt()).toBe(0);
    const alive = started.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(existsSync(demo.dir)).toBe(false);
  });
});
