import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExit, startDemo, type RunningDemo } from '@synapse-calling/test-utils/e2e/demo';

let demo: RunningDemo;

beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.stop();
});

describe('the demo (npm run demo)', () => {
  it('answers GET /healthz with 200', async () => {
    const res = await fetch(`${demo.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('says which URLs to open and which media mode it is in', () => {
    expect(demo.output()).toMatch(/Agent CRM:\s+http:\/\/\S+\/crm-agent\//);
    expect(demo.output()).toMatch(/Customer portal:\s+http:\/\/\S+\/customer-portal\//);
    expect(demo.output()).toContain('Media: peer-to-peer');
  });

  it('serves the sign-in page, the example pages and the single-file bundle', async () => {
    for (const path of ['/', '/crm-agent/', '/customer-portal/', '/custom-ui/']) {
      const res = await fetch(`${demo.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
    }
    // The custom UI's import map points at these.
    for (const path of [
      '/sdk-core/index.js',
      '/protocol/index.js',
      '/vendor/socket.io-client.js',
      '/vendor/livekit-client.js',
    ]) {
      const res = await fetch(`${demo.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('javascript');
    }
    const bundle = await fetch(`${demo.url}/elements/synapse-elements.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
  });

  it('serves only its pages: 404 for its server code, the packages and the call log', async () => {
    for (const path of [
      '/demo.mjs',
      '/dev-login.mjs',
      '/demo-users.mjs',
      '/package.json',
      '/getting-started/server.mjs',
      '/public/index.html',
      '/react-crm/src/main.tsx',
      '/react-crm/vite.config.ts',
      '/react-crm/dist/index.html',
      '/node_modules/express/package.json',
      '/data/synapse.sqlite',
    ]) {
      expect((await fetch(`${demo.url}${path}`)).status, path).toBe(404);
    }
  });

  it('signs in a seeded user with a token the server accepts for REST calls', async () => {
    const { token, user } = await (await fetch(`${demo.url}/demo/token?user=carol`)).json();
    expect(user).toMatchObject({ id: 'carol', tenant: 'acme', role: 'customer' });
    const calls = await fetch(`${demo.url}/api/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(calls.status).toBe(200);
    expect(await calls.json()).toEqual({ calls: [], nextCursor: null });
    const forged = await fetch(`${demo.url}/api/calls`, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
  });

  it('refuses an unknown demo user', async () => {
    const res = await fetch(`${demo.url}/demo/token?user=mallory`);
    expect(res.status).toBe(404);
  });

  it('listens on loopback only unless HOST says otherwise', async () => {
    // HOST set to the empty string counts as unset, so the demo's own default applies.
    const local = await startDemo({ HOST: '' });
    try {
      const { port } = new URL(local.url);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // Bound to 0.0.0.0 it would answer on every address, 127.0.0.2 included.
      await expect(fetch(`http://127.0.0.2:${port}/healthz`)).rejects.toThrow();
    } finally {
      await local.stop();
    }
  });

  it.each(['', 'true', '0'])('SYNAPSE_DEV_LOGIN=%j leaves the sign-in off', async (value) => {
    const demo = await startDemo({ SYNAPSE_DEV_LOGIN: value });
    try {
      expect((await fetch(`${demo.url}/demo/token?user=carol`)).status).toBe(404);
    } finally {
      await demo.stop();
    }
  });

  it('refuses to start with the development sign-in under NODE_ENV=production', async () => {
    const { code, output } = await demoExit({ NODE_ENV: 'production', SYNAPSE_DEV_LOGIN: '1' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/development sign-in.*NODE_ENV=production/);
  });
});
