import type { Page } from 'playwright-core';

/**
 * What the recording scenarios read from and do on the demo pages: the recording parts of the
 * call panel and the history, and the page's client (its public API) for the call log entry and
 * the file itself.
 */

/** The recording parts of `<synapse-active-call>`. */
export function recordingUi(page: Page) {
  const host = page.locator('synapse-active-call');
  return {
    record: host.locator('button[part="record"]'),
    notice: host.locator('[part="recording-notice"]'),
    status: host.locator('[part="recording-status"]'),
    consent: host.locator('[part="consent"]'),
    allow: host.locator('button[part="consent-allow"]'),
    decline: host.locator('button[part="consent-decline"]'),
  };
}

/** The recording parts of the history row of `callId` (`found` false while it is not listed). */
export async function historyRecordingRow(page: Page, callId: string) {
  const host = page.locator('synapse-call-history');
  const index = await host.evaluate(
    (el, id) =>
      (el as unknown as { entries: { id: string }[] }).entries.findIndex((e) => e.id === id),
    callId,
  );
  const li = host.locator('li[part="item"]').nth(Math.max(index, 0));
  return {
    found: index >= 0,
    mark: li.locator('[part="recording-mark"]'),
    play: li.locator('button[part="play"]'),
    player: li.locator('audio[part="player"]'),
    download: li.locator('a[part="download"]'),
  };
}

/** The call's recording as the page's client reads it from the call log (`GET /api/calls`). */
export function loggedRecording(
  page: Page,
  callId: string,
): Promise<
  | {
      status: string;
      file?: { durationMs: number; size: number; partial: boolean; mimeType: string };
    }
  | undefined
> {
  return page.evaluate(async (id) => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: {
        fetchCallHistory(o: { limit: number }): Promise<{
          calls: { id: string; recording?: { status: string; file?: never } }[];
        }>;
      };
    };
    const { calls } = await calling.client.fetchCallHistory({ limit: 10 });
    return calls.find((c) => c.id === id)?.recording;
  }, callId);
}

/** Downloads the call's recording through the page's client (the user's own token). */
export async function downloadRecording(page: Page, callId: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (id) => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: { fetchRecording(id: string): Promise<Blob> };
    };
    const bytes = new Uint8Array(await (await calling.client.fetchRecording(id)).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }, callId);
  return Buffer.from(base64, 'base64');
}
