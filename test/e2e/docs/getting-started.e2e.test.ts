import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { spawnListening, type ListeningChild } from '@synapse-calling/test-utils/packaging/child';
import { snippetsOf } from '../../../scripts/doc-snippets.mjs';

const root = resolve(import.meta.dirname, '../../..');
let server: ListeningChild;
let url: string;
const log = () => server.output();
let browser: Browser;

beforeAll(async () => {
  // Exactly what the guide says to run, in a fresh directory (its ./data lands there).
  server = await spawnListening(
    process.execPath,
    [join(root, 'examples/getting-started/server.mjs')],
    {
      cwd: mkdtempSync(join(tmpdir(), 'synapse-guide-')),
      env: { PORT: '0', SYNAPSE_JWT_SECRET: 'a'.repeat(16) + 'b'.repeat(16) },
      ready: /listening on (http:\/\/\S+)/,
    },
  );
  url = server.url;
  browser = await launchChromium({ toneHz: 440 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('docs/getting-started.md', () => {
  it('shows the example files verbatim', () => {
    const snippets = snippetsOf('docs/getting-started.md');
    expect(snippets.map((s) => s.file)).toEqual([
      'examples/getting-started/server.mjs',
      'examples/getting-started/public/page.html',
    ]);
    for (const s of snippets) expect(s.body).toBe(readFileSync(join(root, s.file), 'utf8'));
  });

  it('works as the guide says: alice sees carol online, calls, carol accepts, the backend logs it', async () => {
    const open = async (as: string) => {
      const context = await browser.newContext({ permissions: ['microphone'] });
      const page = await context.newPage();
      await page.goto(`${url}/page.html?as=${as}`);
      return page;
    };
    const alice = await open('alice');
    const carol = await open('carol');
    const toCarol = alice.locator('synapse-call-button[user-id="carol"] button[part="button"]');
    await expect.poll(() => toCarol.isEnabled(), { timeout: 20_000 }).toBe(true);
    await toCarol.click();
    const accept = carol.locator('synapse-incoming-call button[part="accept"]');
    await accept.waitFor({ state: 'visible', timeout: 15_000 });
    await accept.click();
    await expect
      .poll(() => alice.locator('synapse-call-button[user-id="carol"]').getAttribute('state'), {
        timeout: 15_000,
      })
      .toBe('in-call');
    await expect.poll(log, { timeout: 10_000 }).toMatch(/call event call\.accepted/);
    await alice.locator('synapse-active-call button[part="end"]').click();
    await expect.poll(log, { timeout: 10_000 }).toMatch(/call event call\.ended/);
  });
});
