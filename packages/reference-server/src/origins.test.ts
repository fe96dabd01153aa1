import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { agent, connectError, useTestServer } from '@synapse-calling/test-utils/server';
import { OriginRefusals } from './http/origin-refusals';

const ALLOWED = 'http://127.0.0.1:3100';
const REFUSED = 'http://localhost:3100';

/** A pino logger at warn that keeps each line it writes, parsed. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

const { logger, lines } = capturingLogger();
const server = useTestServer({ allowedOrigins: [ALLOWED], logger });

const refusalLines = () => lines.filter((l) => l.msg?.toString().startsWith('origin not allowed'));

describe('GET /api/config', () => {
  it('tells any page whether its origin is allowed, readable across origins', async () => {
    const config = async (headers: Record<string, string>, query = '') => {
      const res = await fetch(`${server.url}/api/config${query}`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      return res.json();
    };
    expect(await config({ origin: ALLOWED })).toEqual({ originAllowed: true });
    expect(await config({ origin: REFUSED })).toEqual({ originAllowed: false });
    // A same-origin GET carries no Origin header: the page names its origin in the query.
    expect(await config({}, `?origin=${encodeURIComponent(REFUSED)}`)).toEqual({
      originAllowed: false,
    });
    // The header wins over the query: only the browser sets it.
    expect(await config({ origin: ALLOWED }, `?origin=${encodeURIComponent(REFUSED)}`)).toEqual({
      originAllowed: true,
    });
    // No origin at all (native apps, servers) is allowed, as in the handshake.
    expect(await config({})).toEqual({ originAllowed: true });
  });
});

describe('refused origins in the log', () => {
  it('logs each refused origin once at warn, however often it retries, socket and REST alike', async () => {
    lines.length = 0;
    const token = await server.mintToken(agent('alice'));
    for (let i = 0; i < 3; i++) {
      await connectError(server.url, { token }, { extraHeaders: { origin: REFUSED } });
    }
    const rest = await fetch(`${server.url}/api/calls`, {
      headers: { authorization: `Bearer ${token}`, origin: REFUSED },
    });
    expect(rest.status).toBe(403);
    await connectError(server.url, { token }, { extraHeaders: { origin: 'https://evil.example' } });
    const allowed = await server.connect(agent('bob'), { extraHeaders: { origin: ALLOWED } });
    allowed.close();

    expect(refusalLines()).toEqual([
      expect.objectContaining({ level: 40, origin: REFUSED, where: 'socket', refused: 1 }),
      expect.objectContaining({ level: 40, origin: 'https://evil.example', refused: 1 }),
    ]);
  });
});

describe('OriginRefusals', () => {
  it('logs again after a minute, counting the refusals it kept quiet about', () => {
    const { logger: own, lines: logged } = capturingLogger();
    let now = 0;
    const refusals = new OriginRefusals(own, () => now);
    refusals.refused(REFUSED, 'socket');
    for (let i = 0; i < 4; i++) {
      now += 10_000;
      refusals.refused(REFUSED, 'socket');
    }
    now = 60_000;
    refusals.refused(REFUSED, 'rest');
    expect(logged.map((l) => [l.where, l.refused])).toEqual([
      ['socket', 1],
      ['rest', 5],
    ]);
  });
});
