import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { agent, useTestServer } from '@synapse-calling/test-utils/server';
import { SynapseError } from './errors';
import { RestClient } from './rest';

const server = useTestServer();

const tokenOf = (sub: string) => ({ get: () => server.mintToken(agent(sub)) });

async function failure(promise: Promise<unknown>): Promise<SynapseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SynapseError);
  return err as SynapseError;
}

/** A real HTTP server that answers every request with `status` and a non-JSON body. */
async function answerWith(status: number): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((_req, res) => res.writeHead(status).end('<h1>Bad gateway</h1>'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

describe('REST client', () => {
  it('sends the Bearer token and the query, through the fetch it was given', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const rest = new RestClient({
      baseUrl: server.url,
      tokens: tokenOf('alice'),
      fetch: (input, init) => {
        seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
        return fetch(input, init);
      },
    });
    expect(await rest.listCalls({ limit: 5, cursor: undefined })).toEqual({
      calls: [],
      nextCursor: null,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(`${server.url}/api/calls?limit=5`);
    expect(seen[0]?.auth).toMatch(/^Bearer ey/);
  });

  it("turns the server's error body into its code, and any other failure into a code too", async () => {
    const rest = new RestClient({ baseUrl: server.url, tokens: tokenOf('alice') });
    // Not a party of that call (there is none): the server says not-found.
    expect((await failure(rest.livekitToken('no-such-call'))).code).toBe('not-found');

    const forged = new RestClient({ baseUrl: server.url, tokens: { get: async () => 'nope' } });
    expect((await failure(forged.listCalls())).code).toBe('unauthorized');

    const gateway = await answerWith(502);
    try {
      const viaProxy = new RestClient({ baseUrl: gateway.url, tokens: tokenOf('alice') });
      const err = await failure(viaProxy.listCalls());
      expect(err.code).toBe('internal');
      expect(err.message).toBe('HTTP 502');
    } finally {
      await gateway.close();
    }

    // Nobody listens there any more: no answer at all.
    const gone = new RestClient({ baseUrl: gateway.url, tokens: tokenOf('alice') });
    expect((await failure(gone.listCalls())).code).toBe('not-connected');
  });
});
