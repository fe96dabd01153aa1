import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, signWebhook, turnIceServer } from '@synapse-calling/reference-server';
import { CHECKS, problems, snippetText } from '../../../scripts/doc-snippets.mjs';

// The snippets of docs/ that run in Node without a browser or the packed tarballs; the others
// run in test/e2e/docs/getting-started.e2e.test.ts and test/e2e/packaging, and every ts/tsx/js
// snippet is type-checked by `npm run typecheck` (examples/docs/tsconfig.json).
const root = resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('docs/ code blocks', () => {
  it('are their snippet files verbatim, each file checked somewhere, and no code block without one', () => {
    expect(problems()).toEqual([]);
    for (const file of Object.keys(CHECKS)) expect(existsSync(join(root, file)), file).toBe(true);
  });

  it('use one token endpoint: /synapse/token', () => {
    const blocks = Object.keys(CHECKS).map((file) => snippetText(file));
    const urls = blocks.flatMap((text) => [
      ...text.matchAll(/token-url="([^"]+)"|fetch\('([^']*token[^']*)'/g),
    ]);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const match of urls) expect(match[1] ?? match[2]).toBe('/synapse/token');
  });
});

describe('sdk-core.md: React', () => {
  it('renders on the server without connecting (getServerSnapshot, connect in an effect)', async () => {
    const { SynapseRoot, CallPanel, PresenceDot } =
      await import('../../../examples/docs/sdk-core/react.tsx');
    const html = renderToString(
      createElement(
        SynapseRoot,
        null,
        createElement(CallPanel),
        createElement(PresenceDot, { userId: 'ann' }),
      ),
    );
    expect(html).toContain('<span>disconnected</span>');
    expect(html).toContain('class="dot offline"');
  });
});

describe('react.md', () => {
  it('renders on the server: the provider, every hook and the elements', async () => {
    const { Root, Availability, Ringing, CallBar, ConnectionNotice } =
      await import('../../../examples/docs/react/app.tsx');
    const { ContactCard } = await import('../../../examples/docs/react/elements.tsx');
    const html = renderToString(
      createElement(
        Root,
        null,
        createElement(ConnectionNotice),
        createElement(Availability, { userId: 'ann', name: 'Ann' }),
        createElement(Ringing),
        createElement(CallBar),
        createElement(ContactCard, { userId: 'ann', name: 'Ann' }),
      ),
    );
    expect(html).toContain('<p>Connecting to calls…</p>');
    expect(html).toContain('class="dot offline"');
    expect(html).toMatch(/<synapse-call-button user-id="ann" name="Ann"><\/synapse-call-button>/);
    expect(html).toContain('<synapse-call-history limit="5" no-title="">');
  });
});

describe('server.md: the webhook receiver', () => {
  const secret = 'whsec-'.padEnd(40, 'x');
  let server: Server;
  let url: string;
  let received: unknown[];

  beforeAll(async () => {
    process.env.SYNAPSE_WEBHOOK_SECRET = secret;
    const mod = await import('../../../examples/docs/server/webhook-receiver.mjs');
    received = mod.received;
    server = createServer(mod.app);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/calls`;
  });
  afterAll(() => {
    server?.close();
    delete process.env.SYNAPSE_WEBHOOK_SECRET;
  });

  const post = (body: string, timestamp: string, signature: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-synapse-timestamp': timestamp,
        'x-synapse-signature': signature,
      },
      body,
    });

  it('accepts a signed delivery and refuses forged or stale ones', async () => {
    const body = JSON.stringify({ id: 'ev-1', type: 'call.ended', call: { id: 'c1' } });
    const now = String(Math.floor(Date.now() / 1000));
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await post(body, now, signWebhook('wrong'.padEnd(40, 'x'), now, body))).status).toBe(
      401,
    );
    expect((await post(body, stale, signWebhook(secret, stale, body))).status).toBe(401);
    expect(received).toEqual([]);
    expect((await post(body, now, signWebhook(secret, now, body))).status).toBe(204);
    expect(received).toEqual([JSON.parse(body)]);
  });
});

describe('deployment.md: metrics listener', () => {
  it('is an environment the standalone server reads as a separate /metrics listener', () => {
    const line = read('examples/docs/deployment/metrics-port.sh').split('npx synapse-server')[0]!;
    const env = Object.fromEntries(
      line
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    );
    const config = configFromEnv({ SYNAPSE_JWT_SECRET: 's'.repeat(32), ...env });
    expect(config).toMatchObject({ metricsPort: 9464, metricsHost: '10.0.0.5' });
  });
});

describe('deployment.md: TURN', () => {
  it('is a TURN setting the standalone server accepts and mints credentials from', () => {
    const names = ['SYNAPSE_ICE_SERVERS', 'SYNAPSE_TURN_URLS', 'SYNAPSE_TURN_SECRET'] as const;
    const values = execFileSync(
      'bash',
      [
        '-c',
        `. "$0" && printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`,
        join(root, 'examples/docs/deployment/turn.sh'),
      ],
      { encoding: 'utf8' },
    ).split('\0');
    const env = Object.fromEntries(names.map((name, i) => [name, values[i]]));
    const config = configFromEnv({ SYNAPSE_JWT_SECRET: 's'.repeat(32), ...env });
    expect(config.iceServers).toHaveLength(1);
    expect(config.turn?.urls).toHaveLength(3);
    expect(config.turn?.secret).toBe(env.SYNAPSE_TURN_SECRET);
    const minted = turnIceServer(config.turn!, 'acme/agent1');
    expect(minted).toMatchObject({ urls: config.turn?.urls, username: expect.any(String) });
    expect(minted.credential).not.toBe(env.SYNAPSE_TURN_SECRET);
  });
});

describe('development.md: commands', () => {
  it('name npm scripts and paths that exist', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    for (const file of Object.keys(CHECKS).filter((f) =>
      f.startsWith('examples/docs/development/'),
    )) {
      for (const line of read(file).split('\n').filter(Boolean)) {
        for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g)) {
          expect(scripts[script], `${file}: npm run ${script}`).toBeDefined();
        }
        if (/^npm test\b/.test(line)) expect(scripts.test).toBeDefined();
        const path = /npx vitest run ((?:test|packages)\/\S+)/.exec(line)?.[1];
        if (path) expect(existsSync(join(root, path)), `${file}: ${path}`).toBe(true);
      }
    }
  });
});

describe('elements.md: styling', () => {
  it('styles parts the elements have', () => {
    const manifest = JSON.parse(read('packages/elements/custom-elements.json'));
    const parts = new Map<string, Set<string>>();
    for (const mod of manifest.modules) {
      for (const d of mod.declarations ?? []) {
        if (d.tagName)
          parts.set(d.tagName, new Set((d.cssParts ?? []).map((p: { name: string }) => p.name)));
      }
    }
    // <synapse-calling> re-exports its built-in prompt's and panel's parts under prefixes.
    const calling = read('packages/elements/src/calling/calling.ts');
    for (const [, list] of calling.matchAll(/exportparts="([^"]+)"/g)) {
      for (const [, name] of list.matchAll(/:\s*([\w-]+)/g))
        parts.get('synapse-calling')?.add(name);
    }
    const css = read('examples/docs/elements/theme.css');
    const used = [...css.matchAll(/([\w-]+)::part\(([\w-]+)\)/g)];
    expect(used.length).toBeGreaterThan(0);
    for (const [, tag, part] of used)
      expect(parts.get(tag)?.has(part), `${tag}::part(${part})`).toBe(true);
  });
});

describe('notifications.md: the opt-in', () => {
  it('sets attributes <synapse-calling> has', () => {
    const manifest = JSON.parse(read('packages/elements/custom-elements.json'));
    const calling = manifest.modules
      .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
      .find((d: { tagName?: string }) => d.tagName === 'synapse-calling') as {
      attributes: Array<{ name: string }>;
    };
    const known = new Set(calling.attributes.map((a) => a.name));
    const tag = /<synapse-calling([^>]*)>/.exec(read('examples/docs/notifications/notify.html'));
    const used = [...(tag?.[1] ?? '').matchAll(/([\w-]+)(?:="[^"]*")?/g)].map((m) => m[1]);
    expect(used).toContain('notify');
    for (const name of used) expect(known.has(name as string), name).toBe(true);
  });
});
