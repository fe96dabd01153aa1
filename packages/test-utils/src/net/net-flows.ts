/**
 * Steps the network scenarios share, on the pages of `net-rig.ts`, waiting the way a person
 * would look (polls, never sleeps, never timing assertions).
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { activeCall, activeUi, lastEnded } from '../e2e/e2e-pages';
import { explained, historyShows } from '../e2e/e2e-flows';

/** What the page's call button says about how the last call ended ("Could not connect"…). */
export async function buttonOutcome(page: Page): Promise<string | null> {
  const outcome = page.locator('synapse-calling > synapse-call-button [part="outcome"]');
  if ((await outcome.getAttribute('hidden')) !== null) return null;
  return (await outcome.textContent())?.trim() ?? null;
}

/** The page's client ended `callId` for `reason`; its panel closed; its history agrees. */
export async function endedFor(
  page: Page,
  callId: string,
  reason: string,
  direction: 'incoming' | 'outgoing',
  timeout: number,
): Promise<void> {
  await explained(
    expect.poll(async () => (await lastEnded(page))?.id, { timeout }).toBe(callId),
    page,
  );
  expect((await lastEnded(page))?.endReason).toBe(reason);
  await expect.poll(() => activeUi(page).open()).toBe(false);
  await historyShows(page, callId, reason, direction);
}

/** The call's `mediaReconnecting` as the page's snapshot store has it. */
export function mediaReconnecting(page: Page): Promise<boolean | null> {
  return page.evaluate(() => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: { getSnapshot(): { activeCall: { mediaReconnecting: boolean } | null } };
    };
    return calling.client.getSnapshot().activeCall?.mediaReconnecting ?? null;
  });
}

/** The "Reconnecting…" line of the active-call panel (empty while media is fine). */
export async function reconnectingText(page: Page): Promise<string> {
  return (await page.locator('synapse-active-call [part="reconnecting"]').textContent()) ?? '';
}

/** The quality the page's active-call panel shows (`data-quality` of its bars). */
export function shownQuality(page: Page): Promise<string | null> {
  return page.locator('synapse-active-call [part="quality"]').getAttribute('data-quality');
}

/** Both pages still have `callId` active (nothing ended it meanwhile). */
export async function stillActive(callId: string, ...pages: Page[]): Promise<void> {
  for (const page of pages) {
    const call = await activeCall(page);
    expect(call && { id: call.id, state: call.state }).toEqual({ id: callId, state: 'active' });
  }
}
