import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { servePageBundle, type PageBundle } from '@synapse-calling/test-utils/media/page-bundle';
import {
  startLiveKit,
  startTestServer,
  type LiveKitServer,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import type {} from '@synapse-calling/test-utils/media/video-e2e-page';

// Screen sharing and cameras in a call, in both media modes: two real Chromiums (440 Hz and
// 880 Hz fake microphones, Chromium's fake camera, and its fake screen capture: with
// --use-fake-ui-for-media-stream and --use-fake-device-for-media-stream, getDisplayMedia gives
// a 1280×720 generated "monitor" without a picker) call each other through the reference server
// and, for LiveKit, a real livekit-server --dev.

/** Tenant whose customers may talk and share their screen, but not turn on their camera. */
const RESTRICTED = 'bank';

let lk: LiveKitServer;
const servers: Record<'p2p' | 'livekit', TestServer> = {} as Record<'p2p' | 'livekit', TestServer>;
let bundle: PageBundle;
let agentBrowser: Browser;
let customerBrowser: Browser;

beforeAll(async () => {
  const canPublish = (actor: { tenant: string; role: string }, source: string) =>
    actor.tenant !== RESTRICTED || actor.role === 'agent' || source === 'screen';
  lk = await startLiveKit();
  [servers.p2p, servers.livekit, bundle, agentBrowser, customerBrowser] = await Promise.all([
    startTestServer({ canPublish }),
    startTestServer({
      canPublish,
      livekit: { url: lk.wsUrl, apiKey: lk.apiKey, apiSecret: lk.apiSecret },
    }),
    servePageBundle(
      resolve(import.meta.dirname, '../../../packages/test-utils/src/media/video-e2e-page.ts'),
    ),
    launchChromium({ toneHz: 440 }),
    launchChromium({ toneHz: 880 }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([agentBrowser?.close(), customerBrowser?.close()]);
  await bundle?.close();
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await lk?.stop();
});

async function open(
  browser: Browser,
  server: TestServer,
  sub: string,
  role: string,
  tenant = 'acme',
) {
  const context = await browser.newContext({ permissions: ['microphone', 'camera'] });
  const page = await context.newPage();
  await page.goto(bundle.origin);
  await page.waitForFunction(() => typeof window.video === 'object');
  const token = await server.mintToken({
    sub,
    tenant,
    role: role as 'agent' | 'customer',
    name: sub,
  });
  await page.evaluate(([u, t]) => window.harness.connect(u, t), [server.url, token] as const);
  return page;
}

/** An agent (440 Hz) and a customer (880 Hz) in an answered call; each hears the other. */
let calls = 0;
async function answered(mode: 'p2p' | 'livekit', tenant = 'acme') {
  const server = servers[mode];
  const n = ++calls;
  const agent = await open(agentBrowser, server, `agent-${n}`, 'agent', tenant);
  const customer = await open(customerBrowser, server, `carol-${n}`, 'customer', tenant);
  await Promise.all([
    agent.evaluate((to) => window.harness.call(to), `carol-${n}`),
    customer.evaluate(() => window.harness.accept()),
  ]);
  expect(await agent.evaluate(() => window.harness.mediaKind())).toBe(mode);
  await expectTones(agent, customer);
  return { agent, customer };
}

/** Audio still flows both ways: the agent hears 880 Hz, the customer 440 Hz. */
async function expectTones(agent: Page, customer: Page) {
  expect(await agent.evaluate(() => window.harness.hears(880))).toBe(true);
  expect(await customer.evaluate(() => window.harness.hears(440))).toBe(true);
}

/** The page reloads and its user picks the call up again (sync, resumed media). */
async function reload(page: Page, mode: 'p2p' | 'livekit', role: 'agent' | 'customer') {
  const server = servers[mode];
  const sub = String(await page.evaluate(() => window.harness.userId()));
  await page.reload();
  await page.waitForFunction(() => typeof window.video === 'object');
  const token = await server.mintToken({ sub, tenant: 'acme', role, name: sub });
  await page.evaluate(([u, t]) => window.harness.connect(u, t), [server.url, token] as const);
  await page.waitForFunction(() => window.harness.state() === 'active');
}

async function close(...pages: Page[]) {
  for (const page of pages) {
    await page.evaluate(() => window.harness.disconnect()).catch(() => undefined);
    await page.context().close();
  }
}

describe.each(['p2p', 'livekit'] as const)('video in %s calls', (mode) => {
  // P2P stops the transceiver, which ends the track on both sides. LiveKit unsubscribes: the
  // video is removed from the call, its receiver track kept for the SFU's next video.
  const stopped = mode === 'p2p' ? 'ended' : 'removed';
  it('a screen share decodes on the other side within 2 s; stopping ends it on both sides', async () => {
    const { agent, customer } = await answered(mode);
    // The customer waits for the share while the agent starts it: the clock runs from the click.
    const [started, decoded] = await Promise.all([
      agent.evaluate(() => window.video.startScreenShare()),
      customer.evaluate(() => window.video.decodes('screen', 5, 2_000)),
    ]);
    expect(started).toBe('ok');
    expect(decoded.width).toBeGreaterThan(0);
    expect(decoded.height).toBeGreaterThan(0);
    console.info(`${mode}: screen share decoding on the other side after ${decoded.ms} ms`);
    await customer.waitForFunction(() => window.video.snapshot().remoteScreen);
    expect(await customer.evaluate(() => window.video.snapshot().remoteMedia)).toEqual({
      audio: true,
      video: false,
      screen: true,
    });
    expect(await agent.evaluate(() => window.video.snapshot())).toMatchObject({ screen: true });
    await expectTones(agent, customer);

    expect(await agent.evaluate(() => window.video.stopScreenShare())).toBe('ok');
    expect(await agent.evaluate(() => window.video.local('screen'))).toBe(null);
    await customer.waitForFunction((gone) => window.video.remote('screen') === gone, stopped);
    await customer.waitForFunction(() => !window.video.snapshot().remoteScreen);
    expect(await customer.evaluate(() => window.video.snapshot().remoteMedia?.screen)).toBe(false);
    await expectTones(agent, customer);
    await close(agent, customer);
  });

  it('both turn their camera on at the same instant and each receives the other', async () => {
    const { agent, customer } = await answered(mode);
    const results = await Promise.all([
      agent.evaluate(() => window.video.setCamera(true)),
      customer.evaluate(() => window.video.setCamera(true)),
    ]);
    expect(results).toEqual(['ok', 'ok']);
    const [toAgent, toCustomer] = await Promise.all([
      agent.evaluate(() => window.video.decodes('camera')),
      customer.evaluate(() => window.video.decodes('camera')),
    ]);
    expect(toAgent.width).toBeGreaterThan(0);
    expect(toCustomer.width).toBeGreaterThan(0);
    await expectTones(agent, customer);

    expect(await customer.evaluate(() => window.video.setCamera(false))).toBe('ok');
    await agent.waitForFunction((gone) => window.video.remote('camera') === gone, stopped);
    expect(await customer.evaluate(() => window.video.remote('camera'))).toBe('live');
    await expectTones(agent, customer);
    await close(agent, customer);
  });

  it('after the customer reloads, the agent’s camera comes back and the customer is told their screen share stopped', async () => {
    const { agent, customer } = await answered(mode);
    expect(await agent.evaluate(() => window.video.setCamera(true))).toBe('ok');
    expect(await customer.evaluate(() => window.video.startScreenShare())).toBe('ok');
    expect((await customer.evaluate(() => window.video.decodes('camera'))).width).toBeGreaterThan(
      0,
    );
    expect((await agent.evaluate(() => window.video.decodes('screen'))).width).toBeGreaterThan(0);

    // The customer's page reloads and picks the call up again (sync, resumed media).
    await reload(customer, mode, 'customer');

    // The agent's camera arrives again, and the customer's page knows it is on (sync).
    expect((await customer.evaluate(() => window.video.decodes('camera'))).width).toBeGreaterThan(
      0,
    );
    expect(await customer.evaluate(() => window.video.snapshot().remoteMedia)).toEqual({
      audio: true,
      video: true,
      screen: false,
    });
    // The customer's screen share went with the old page: their page says so, the agent's
    // page shows it stopped.
    expect(await customer.evaluate(() => window.video.snapshot().stopped)).toEqual(['screen']);
    await agent.waitForFunction(() => window.video.snapshot().remoteMedia?.screen === false);
    await agent.waitForFunction(() => !window.video.snapshot().remoteScreen);
    expect(await agent.evaluate(() => window.video.local('camera'))).toBe('live');
    await expectTones(agent, customer);
    await close(agent, customer);
  });

  it('after the agent (the caller) reloads, the customer’s camera comes back to them', async () => {
    const { agent, customer } = await answered(mode);
    expect(await customer.evaluate(() => window.video.setCamera(true))).toBe('ok');
    expect((await agent.evaluate(() => window.video.decodes('camera'))).width).toBeGreaterThan(0);

    // In P2P the customer (the polite side) sends it again on a line the reloaded caller adds.
    await reload(agent, mode, 'agent');
    expect((await agent.evaluate(() => window.video.decodes('camera'))).width).toBeGreaterThan(0);
    expect(await agent.evaluate(() => window.video.snapshot().remoteMedia?.video)).toBe(true);
    expect(await agent.evaluate(() => window.video.snapshot().stopped)).toEqual([]);
    expect(await customer.evaluate(() => window.video.local('camera'))).toBe('live');
    await expectTones(agent, customer);
    await close(agent, customer);
  });

  it('a customer whose tenant forbids the camera is refused, and may still share the screen', async () => {
    const { agent, customer } = await answered(mode, RESTRICTED);
    expect(await customer.evaluate(() => window.video.setCamera(true))).toBe('forbidden');
    expect(await customer.evaluate(() => window.video.local('camera'))).toBe(null);
    if (mode === 'livekit') {
      // The room token does not grant the camera: publishing past the SDK is refused too.
      expect(await customer.evaluate(() => window.publishCameraAnyway())).not.toBe('ok');
    }
    expect(await customer.evaluate(() => window.video.startScreenShare())).toBe('ok');
    expect((await agent.evaluate(() => window.video.decodes('screen'))).width).toBeGreaterThan(0);
    expect(await agent.evaluate(() => window.video.remote('camera'))).toBe(null);
    await expectTones(agent, customer);
    await close(agent, customer);
  });
});
