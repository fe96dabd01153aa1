import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { heardTone, probeTone } from './audio-probe';

// getUserMedia needs a secure context; http://127.0.0.1 counts as one.
let http: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  http = createServer((_req, res) => res.end('<!doctype html><title>probe</title>'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  browser = await launchChromium({ toneHz: 440 });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => http?.close(r));
});

describe('real Chromium with a fake microphone', () => {
  it('hears the 440 Hz tone the fake microphone plays, and not another', async () => {
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    await page.goto(origin);
    const probe = await page.evaluate(
      async ([probeSrc, hz]) => {
        const probeFn = new Function(`return (${probeSrc})`)() as typeof probeTone;
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        });
        return probeFn(stream, hz);
      },
      [probeTone.toString(), 440] as const,
    );
    expect(heardTone(probe, 440)).toBe(true);
    expect(heardTone(probe, 880)).toBe(false);
    await context.close();
  });
});
