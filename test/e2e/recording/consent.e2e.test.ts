import { describe, expect, it } from 'vitest';
import { UI, callFlows } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeUi } from '@synapse-calling/test-utils/e2e/e2e-pages';
import { AGENT_HZ, CUSTOMER_HZ, useRig } from '@synapse-calling/test-utils/e2e/e2e-rig';
import {
  downloadRecording,
  historyRecordingRow,
  loggedRecording,
  recordingUi,
} from '@synapse-calling/test-utils/e2e/recording-pages';
import { decodeAudio, findsTones } from '@synapse-calling/test-utils/media/recorded-audio';

/**
 * A tenant that requires the customer's consent (globex in this demo run): the customer's panel
 * asks; declining records nothing and the call log says declined; accepting records.
 */
describe('call recording with consent (P2P)', () => {
  const rig = useRig('p2p', { env: { SYNAPSE_RECORDING_CONSENT_TENANTS: 'globex' } });
  const { connect, bothHear } = callFlows('p2p');

  it('the customer declines: nothing is recorded and the log says declined', async () => {
    const erin = await rig.open('erin');
    const frank = await rig.open('frank');
    const { callId } = await connect(erin, frank, 'frank');
    await recordingUi(erin).record.click();
    await expect
      .poll(() => recordingUi(erin).status.textContent(), UI)
      .toBe('Waiting for Frank Fox to allow recording…');
    await expect.poll(() => recordingUi(frank).consent.isVisible(), UI).toBe(true);
    expect(await recordingUi(frank).notice.count()).toBe(0);
    await recordingUi(frank).decline.click();
    for (const page of [erin, frank]) {
      await expect
        .poll(() => recordingUi(page).status.textContent(), UI)
        .toBe('Recording was declined');
      expect(await recordingUi(page).notice.count()).toBe(0);
    }
    await activeUi(erin).end.click();
    await expect
      .poll(async () => (await loggedRecording(erin, callId))?.status, UI)
      .toBe('declined');
    expect((await loggedRecording(frank, callId))?.file).toBeUndefined();
    const row = await historyRecordingRow(erin, callId);
    expect(await row.mark.count()).toBe(0);
  }, 180_000);

  it('the customer accepts: the call is recorded', async () => {
    const erin = await rig.open('erin');
    const frank = await rig.open('frank');
    const { callId } = await connect(erin, frank, 'frank');
    await bothHear(erin, frank);
    await recordingUi(erin).record.click();
    await recordingUi(frank).allow.click();
    for (const page of [erin, frank]) {
      await expect.poll(() => recordingUi(page).notice.isVisible(), UI).toBe(true);
    }
    await erin.waitForTimeout(3_000);
    await activeUi(frank).end.click();
    await expect
      .poll(async () => (await loggedRecording(erin, callId))?.file, { timeout: 30_000 })
      .toBeTruthy();
    const samples = decodeAudio(await downloadRecording(frank, callId));
    expect(findsTones(samples, [AGENT_HZ, CUSTOMER_HZ])).toBe(true);
  }, 180_000);
});
