import { describe, expect, it } from 'vitest';
import {
  agent,
  waitFor,
  emitAck,
  fetchMetrics,
  mintTestToken,
  startTestServer,
  TEST_METRICS_TOKEN,
  waitForEvent,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const ALLOWED = 'https://crm.example.com';

const server = useTestServer({ allowedOrigins: [ALLOWED] }, { per: 'file' });

const bearer = async (sub = 'alice', tenant = 'acme') => ({
  authorization: `Bearer ${await server.mintToken(agent(sub, tenant))}`,
});

/** Asserts the REST error contract: the status, a JSON body of exactly `{ error: { code, message } }`. */
async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe('REST errors', () => {
  it('answers every refusal as { error: { code, message } } with the matching status', async () => {
    const url = server.url;
    await expectError(await fetch(`${url}/api/calls`), 401, 'unauthorized');
    await expectError(
      await fetch(`${url}/api/calls`, { headers: { authorization: 'Basic YWxpY2U6cHc=' } }),
      401,
      'unauthorized',
    );
    await expectError(
      await fetch(`${url}/api/calls`, { headers: { authorization: 'Bearer not.a.jwt' } }),
      401,
      'unauthorized',
    );
    const expired = await mintTestToken({ ...agent('alice'), expiresIn: 1 });
    await expectError(
      await fetch(`${url}/api/calls`, { headers: { authorization: `Bearer ${expired}` } }),
      401,
      'token-expired',
    );

    const auth = await bearer();
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?limit=x',
      '?cursor=bogus',
      '?limit=1&limit=2',
    ]) {
      await expectError(
        await fetch(`${url}/api/calls${query}`, { headers: auth }),
        400,
        'invalid-payload',
      );
    }
    const ids501 = Array.from({ length: 501 }, (_, i) => `u${i}`).join(',');
    await expectError(
      await fetch(`${url}/api/presence?userIds=${ids501}`, { headers: auth }),
      400,
      'invalid-payload',
    );
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${url}/api/livekit/token`, {
        method: 'POST',
        headers: { ...auth, 'content-type': contentType },
        body,
      });
    await expectError(await post('{"callId":'), 400, 'invalid-payload');
    await expectError(await post('{"callId":42}'), 400, 'invalid-payload');
    await expectError(await post('"a string"'), 400, 'invalid-payload');
    await expectError(
      await post(JSON.stringify({ pad: 'x'.repeat(20_000) })),
      400,
      'invalid-payload',
    );
    await expectError(await post('callId=abc', 'text/plain'), 400, 'invalid-payload');
    await expectError(await post('{"callId":"no-such-call"}'), 404, 'not-found');

    // A party of a P2P call asking for a LiveKit token: 409; anyone else: 404.
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    await incoming;
    await emitAck(bob, 'accept-call', { callId: ack.call.id });
    await expectError(await post(JSON.stringify({ callId: ack.call.id })), 409, 'invalid-state');
    const asOther = await fetch(`${url}/api/livekit/token`, {
      method: 'POST',
      headers: { ...(await bearer('alice', 'globex')), 'content-type': 'application/json' },
      body: JSON.stringify({ callId: ack.call.id }),
    });
    await expectError(asOther, 404, 'not-found');
    await emitAck(alice, 'end-call', { callId: ack.call.id });
    alice.close();
    bob.close();
  });
});

describe('REST origins', () => {
  it('answers a CORS preflight from an allowed origin, and refuses other origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/calls`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const ok = await preflight(ALLOWED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(ok.headers.get('vary')).toMatch(/origin/i);

    const refused = await preflight('https://evil.example.com');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    await expectError(refused, 403, 'forbidden');
    // A refused origin is refused even with a valid token, before the token is looked at.
    const withToken = await fetch(`${server.url}/api/calls`, {
      headers: { ...(await bearer()), origin: 'https://evil.example.com' },
    });
    await expectError(withToken, 403, 'forbidden');
  });
});

describe('GET /metrics', () => {
  it('reports connections, calls by state, ends by reason and handling outcomes', async () => {
    const metricsServer = await startTestServer({ metricsToken: TEST_METRICS_TOKEN });
    try {
      const scrape = async () => {
        const res = await fetchMetrics(metricsServer.url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        return res.text();
      };
      const alice = await metricsServer.connect(agent('alice'));
      const bob = await metricsServer.connect(agent('bob'));
      const incoming = waitForEvent(bob, 'incoming-call');
      const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
      if (!ack.ok) throw new Error(ack.error.code);
      await incoming;
      let text = await scrape();
      expect(text).toMatch(/^synapse_connections 2$/m);
      expect(text).toMatch(/^synapse_calls\{state="ringing"\} 1$/m);
      expect(text).toMatch(/^synapse_calls\{state="active"\} 0$/m);

      await emitAck(bob, 'accept-call', { callId: ack.call.id });
      await emitAck(bob, 'accept-call', { callId: ack.call.id }); // invalid-state
      text = await scrape();
      expect(text).toMatch(/^synapse_calls\{state="ringing"\} 0$/m);
      expect(text).toMatch(/^synapse_calls\{state="active"\} 1$/m);

      await emitAck(alice, 'end-call', { callId: ack.call.id });
      text = await scrape();
      expect(text).toMatch(/^synapse_calls\{state="active"\} 0$/m);
      expect(text).toMatch(/^synapse_calls_ended_total\{reason="completed"\} 1$/m);
      expect(text).toMatch(
        /^synapse_signaling_handling_seconds_count\{event="accept-call",outcome="ok"\} 1$/m,
      );
      expect(text).toMatch(
        /^synapse_signaling_handling_seconds_count\{event="accept-call",outcome="invalid-state"\} 1$/m,
      );
      expect(text).toMatch(/^synapse_rate_limited_total 0$/m);
      expect(text).toMatch(/^# TYPE synapse_livekit_webhooks_total counter$/m);

      alice.close();
      bob.close();
      await waitFor(async () => /^synapse_connections 0$/m.test(await scrape()), {
        what: 'the connections gauge to drop to 0',
      });
    } finally {
      await metricsServer.close();
    }
  });
});
