import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AUDIO, UI, callFlows } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeCall, activeUi, waitConnected } from '@synapse-calling/test-utils/e2e/e2e-pages';
import {
  AGENT_HZ,
  CUSTOMER_HZ,
  useRig,
  type MediaMode,
} from '@synapse-calling/test-utils/e2e/e2e-rig';
import {
  downloadRecording,
  historyRecordingRow,
  loggedRecording,
  recordingUi,
} from '@synapse-calling/test-utils/e2e/recording-pages';
import {
  DECODE_RATE,
  decodeAudio,
  findsTones,
  longestSilence,
} from '@synapse-calling/test-utils/media/recorded-audio';

/**
 * Call recording end to end (issue 12), once per media mode: the demo in two real Chromiums
 * (agents speak 440 Hz, customers 880 Hz), the agent records from the call panel, and the file
 * the server keeps is decoded by ffmpeg and searched for both tones with an FFT.
 */

const SCENARIO_MS = 180_000;
/** The browser recorder's chunk interval (sdk-core `CHUNK_MS`). */
const CHUNK_S = 1;
/** A recording's duration may differ from the span the test saw recorded by this much. */
const DURATION_TOLERANCE_S = 1;
const FILE = { timeout: 30_000 };

/** Lets the call run for `ms`: the parties talk (a duration, not a wait for something). */
const talk = (page: Page, ms: number) => page.waitForTimeout(ms);

/** Both panels show the persistent notice. Returns when the test saw it (ms since the epoch). */
async function bothNotified(agent: Page, customer: Page): Promise<number> {
  for (const page of [agent, customer]) {
    await expect.poll(() => recordingUi(page).notice.isVisible(), UI).toBe(true);
    await expect
      .poll(() => recordingUi(page).status.textContent(), UI)
      .toBe('This call is being recorded');
  }
  return Date.now();
}

/** The finished file of `callId`, as the page's user downloads it, decoded. */
async function recordedAudio(page: Page, callId: string) {
  await expect.poll(async () => (await loggedRecording(page, callId))?.file, FILE).toBeTruthy();
  const logged = await loggedRecording(page, callId);
  const samples = decodeAudio(await downloadRecording(page, callId));
  return { logged, samples, seconds: samples.length / DECODE_RATE };
}

export function recordingScenarios(mode: MediaMode): void {
  describe(`call recording end to end (${mode})`, () => {
    const rig = useRig(mode);

    const { connect, bothHear } = callFlows(mode);

    it(
      'the agent records: both see the notice, they talk, hang up; the file has the span and both tones, and plays in the history',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { callId } = await connect(alice, carol, 'carol');
        await bothHear(alice, carol);

        await recordingUi(alice).record.click();
        const startedAt = await bothNotified(alice, carol);
        await expect
          .poll(() => recordingUi(alice).record.getAttribute('aria-pressed'))
          .toBe('true');
        await talk(alice, 5_000);
        await activeUi(alice).end.click();
        const span = (Date.now() - startedAt) / 1000;

        const { logged, samples, seconds } = await recordedAudio(alice, callId);
        expect(logged).toMatchObject({ status: 'stopped', file: { partial: false } });
        expect(Math.abs(seconds - span)).toBeLessThanOrEqual(DURATION_TOLERANCE_S);
        expect(findsTones(samples, [AGENT_HZ, CUSTOMER_HZ])).toBe(true);

        // The agent's history marks the call and plays it in the page.
        const row = await historyRecordingRow(alice, callId);
        expect(row.found).toBe(true);
        await expect.poll(() => row.mark.textContent(), UI).toContain('Recorded');
        await row.play.click();
        await expect.poll(() => row.player.getAttribute('src'), UI).toMatch(/^blob:/);
        await expect
          .poll(() => row.download.getAttribute('download'), UI)
          .toBe(`call-${callId}.ogg`);
        // The customer's history marks it too (no player: agents play recordings).
        const carolRow = await historyRecordingRow(carol, callId);
        await expect.poll(() => carolRow.mark.count(), UI).toBe(1);
        expect(await carolRow.play.count()).toBe(0);
      },
      SCENARIO_MS,
    );

    it(
      'recording started after 2 s and stopped after 4 s yields about 2 s',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { callId } = await connect(alice, carol, 'carol');
        await bothHear(alice, carol);
        await talk(alice, 2_000);
        await recordingUi(alice).record.click();
        const startedAt = await bothNotified(alice, carol);
        await talk(alice, 2_000);
        await recordingUi(alice).record.click();
        const stoppedAt = Date.now();
        // Both notices go away; the call goes on.
        for (const page of [alice, carol]) {
          await expect.poll(() => recordingUi(page).notice.count(), UI).toBe(0);
        }
        await expect.poll(() => recordingUi(alice).record.isDisabled(), UI).toBe(true);
        const span = (stoppedAt - startedAt) / 1000;
        const { seconds, samples } = await recordedAudio(alice, callId);
        expect(Math.abs(seconds - span)).toBeLessThanOrEqual(DURATION_TOLERANCE_S);
        expect(findsTones(samples, [AGENT_HZ, CUSTOMER_HZ])).toBe(true);
        expect((await activeCall(alice))?.state).toBe('active');
      },
      SCENARIO_MS,
    );

    if (mode !== 'p2p') return;

    it(
      'the recording agent reloads mid-recording: no gap longer than a chunk, still playable',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { callId } = await connect(alice, carol, 'carol');
        await bothHear(alice, carol);
        await recordingUi(alice).record.click();
        const startedAt = await bothNotified(alice, carol);
        await talk(alice, 3_000);

        const reloadAt = Date.now();
        await alice.reload();
        await waitConnected(alice);
        await expect.poll(async () => (await activeCall(alice))?.state, AUDIO).toBe('active');
        await expect.poll(() => recordingUi(alice).notice.isVisible(), UI).toBe(true);
        const backAt = Date.now();
        await talk(alice, 3_000);
        await activeUi(alice).end.click();
        const span = (Date.now() - startedAt) / 1000;
        const down = (backAt - reloadAt) / 1000;

        const { seconds, samples } = await recordedAudio(alice, callId);
        // What was lost: the reload itself, and at most the chunk in flight when it began.
        expect(seconds).toBeGreaterThanOrEqual(span - down - CHUNK_S - DURATION_TOLERANCE_S);
        expect(seconds).toBeLessThanOrEqual(span + DURATION_TOLERANCE_S);
        expect(longestSilence(samples)).toBeLessThanOrEqual(CHUNK_S);
        const before = samples.subarray(0, 2 * DECODE_RATE);
        const after = samples.subarray(samples.length - 2 * DECODE_RATE);
        expect(findsTones(before, [AGENT_HZ, CUSTOMER_HZ])).toBe(true);
        expect(findsTones(after, [AGENT_HZ, CUSTOMER_HZ])).toBe(true);
      },
      SCENARIO_MS,
    );
  });
}
