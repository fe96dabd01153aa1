import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { fetchMetrics } from '../server/server';
import { callButton, hears } from './demo-pages';
import { activeCall, activeUi, diagnose, historyRow, incomingUi, lastEnded } from './e2e-pages';
import { AGENT_HZ, CUSTOMER_HZ, type MediaMode, type Rig } from './e2e-rig';

/**
 * The steps the end-to-end scenarios (test/e2e/calls/scenarios.ts) are made of, each waiting the way a
 * person would look: generous polls, never a sleep, never a timing assertion.
 */

/** Generous: two browsers, a server and maybe an SFU share two cores with other test runs. */
export const UI = { timeout: 20_000 };
export const AUDIO = { timeout: 30_000, interval: 0 };

export const LIVEKIT_CLIENT_ESM = resolve(
  import.meta.dirname,
  '../../../../node_modules/livekit-client/dist/livekit-client.esm.mjs',
);

/** Calling steps for one media mode (`bothActive` checks the call's media is that mode's). */
export function callFlows(mode: MediaMode) {
  /** Waits until `from` sees `userId`'s call button callable (online, not in a call). */
  async function callable(from: Page, userId: string) {
    const button = await callButton(from, userId);
    await expect.poll(() => button.state(), UI).toBe('idle');
    return button;
  }

  /** The caller clicks the call button; the callee's prompt shows the caller. */
  async function ring(caller: Page, callee: Page, calleeId: string) {
    const button = await callable(caller, calleeId);
    await button.button.click();
    await expect.poll(() => button.state(), UI).toBe('calling');
    const prompt = incomingUi(callee);
    await prompt.accept.waitFor({ state: 'visible', ...UI });
    // The callee may ring before the caller's `initiate-call` ack (and its Call) arrives.
    await expect.poll(async () => (await activeCall(caller))?.direction, UI).toBe('outgoing');
    const call = await activeCall(caller);
    return { button, prompt, callId: call!.id };
  }

  /** Both sides' clients say `active`; returns when the test saw that (ms since the epoch). */
  async function bothActive(a: Page, b: Page, callId: string): Promise<number> {
    for (const page of [a, b]) {
      await explained(
        expect.poll(async () => (await activeCall(page))?.state, UI).toBe('active'),
        a,
        b,
      );
      expect((await activeCall(page))?.id).toBe(callId);
      expect((await activeCall(page))?.mediaKind).toBe(mode);
    }
    return Date.now();
  }

  async function bothHear(agent: Page, customer: Page) {
    await explained(
      expect.poll(() => hears(agent, CUSTOMER_HZ), AUDIO).toBe(true),
      agent,
      customer,
    );
    await explained(
      expect.poll(() => hears(customer, AGENT_HZ), AUDIO).toBe(true),
      agent,
      customer,
    );
  }

  /** Agent calls customer, customer accepts from the prompt, both active. */
  async function connect(agent: Page, customer: Page, customerId: string) {
    const { button, callId } = await ring(agent, customer, customerId);
    await incomingUi(customer).accept.click();
    const activeAt = await bothActive(agent, customer, callId);
    await expect.poll(() => button.state(), UI).toBe('in-call');
    return { button, callId, activeAt };
  }

  return { callable, ring, bothActive, bothHear, connect };
}

/** The page's client ended `callId` for `reason`, and its call panel closed. */
export async function endedAs(page: Page, callId: string, reason: string) {
  await expect.poll(async () => (await lastEnded(page))?.id, UI).toBe(callId);
  expect((await lastEnded(page))?.endReason).toBe(reason);
  await expect.poll(() => activeUi(page).open(), UI).toBe(false);
}

/** The page's history lists `callId` with `outcome` and `direction`. */
export async function historyShows(page: Page, callId: string, outcome: string, direction: string) {
  await expect.poll(async () => (await historyRow(page, callId))?.outcome, UI).toBe(outcome);
  const row = (await historyRow(page, callId))!;
  expect(row.direction).toBe(direction);
  return row;
}

/** Awaits `wait`; when it fails, adds what the pages' clients and peer connections looked like. */
export async function explained(wait: Promise<unknown>, ...pages: Page[]): Promise<void> {
  try {
    await wait;
  } catch (err) {
    const states = await Promise.all(pages.map((p) => diagnose(p)));
    if (err instanceof Error) err.message += `\n${states.join('\n')}`;
    throw err;
  }
}

/** The demo's count of accepted `participant_left` webhooks from LiveKit (Prometheus text). */
export async function participantLeftWebhooks(rig: Rig): Promise<number> {
  const text = await (await fetchMetrics(rig.demo.url)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('synapse_livekit_webhooks_total') && l.includes('participant_left'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** A stranger's page tries to join a LiveKit room with `token` using livekit-client. */
export async function tryJoin(
  page: Page,
  url: string,
  token: string,
): Promise<{ joined: boolean; room?: string; error?: string }> {
  // The page loads livekit-client's ESM build from node_modules, served on the demo's origin
  // by the test (a dynamic import inside `evaluate` would be rewritten by vitest's transform).
  await page.route('**/__e2e/livekit-client.js', (route) =>
    route.fulfill({ path: LIVEKIT_CLIENT_ESM, contentType: 'text/javascript' }),
  );
  await page.addScriptTag({
    type: 'module',
    content: "import * as lk from '/__e2e/livekit-client.js'; window.__livekit = lk;",
  });
  await page.waitForFunction(() => '__livekit' in window, undefined, { timeout: 20_000 });
  return page.evaluate(
    async ([wsUrl, jwt]) => {
      const lk = (window as unknown as { __livekit: unknown }).__livekit as {
        Room: new () => {
          name: string;
          connect(url: string, token: string, opts?: unknown): Promise<void>;
          disconnect(): Promise<void>;
        };
      };
      const room = new lk.Room();
      try {
        await room.connect(wsUrl, jwt, { autoSubscribe: false, maxRetries: 0 });
        return { joined: true, room: room.name };
      } catch (err) {
        return { joined: false, error: String(err) };
      } finally {
        await room.disconnect();
      }
    },
    [url, token] as const,
  );
}
