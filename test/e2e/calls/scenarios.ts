import { describe, expect, it } from 'vitest';
import { AccessToken } from 'livekit-server-sdk';
import { callButton, hears } from '@synapse-calling/test-utils/e2e/demo-pages';
import {
  AUDIO,
  UI,
  callFlows,
  endedAs,
  explained,
  historyShows,
  participantLeftWebhooks,
  tryJoin,
} from '@synapse-calling/test-utils/e2e/e2e-flows';
import {
  activeCall,
  activeUi,
  armMarks,
  incomingUi,
  lastEnded,
  marks,
  parseDuration,
  peerConnections,
  placeCall,
  rings,
  sdkState,
  waitConnected,
} from '@synapse-calling/test-utils/e2e/e2e-pages';
import {
  AGENT_HZ,
  CUSTOMER_HZ,
  E2E_TIMERS,
  median,
  recordSetupTimes,
  useRig,
  type MediaMode,
} from '@synapse-calling/test-utils/e2e/e2e-rig';

/**
 * The end-to-end scenarios of issue 7, run once per media mode by p2p.e2e.test.ts and
 * livekit.e2e.test.ts (two files, so vitest runs the modes in parallel). Real Chromium pages of
 * the demo, a real reference server and, in LiveKit mode, a real livekit-server. Nothing here
 * asserts how fast anything is: waits are generous polls, because the machine is shared.
 */

/** The history duration may differ from the test's own stopwatch by this much (seconds). */
const DURATION_TOLERANCE_S = 3;
const SETUP_SAMPLES = 5;
/** Per scenario: many generous waits in a row (vitest's default of 30 s is too short here). */
const SCENARIO_MS = 180_000;

export function callingScenarios(mode: MediaMode): void {
  describe(`calling end to end (${mode})`, () => {
    const rig = useRig(mode);

    const { callable, ring, bothActive, bothHear, connect } = callFlows(mode);

    it(
      'rings, connects, both hear each other, mute silences one way, hang up; both histories show the completed call and its duration',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');

        const { button, prompt, callId } = await ring(alice, carol, 'carol');
        await expect(prompt.caller.textContent()).resolves.toContain('Alice Adams');
        await prompt.accept.click();
        const activeAt = await bothActive(alice, carol, callId);
        await expect.poll(() => button.state(), UI).toBe('in-call');
        await expect.poll(() => prompt.accept.count(), UI).toBe(0);
        await bothHear(alice, carol);

        // Carol mutes: Alice's side goes silent, Carol still hears Alice.
        const carolPanel = activeUi(carol);
        await carolPanel.mute.click();
        await expect.poll(() => carolPanel.mute.getAttribute('aria-pressed'), UI).toBe('true');
        await expect.poll(() => hears(alice, CUSTOMER_HZ), AUDIO).toBe(false);
        await expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(true);

        await carolPanel.mute.click();
        await expect.poll(() => carolPanel.mute.getAttribute('aria-pressed'), UI).toBe('false');
        await expect.poll(() => hears(alice, CUSTOMER_HZ), AUDIO).toBe(true);

        // Alice mutes too, from her panel; then back.
        const alicePanel = activeUi(alice);
        await alicePanel.mute.click();
        await expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(false);
        await alicePanel.mute.click();
        await expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(true);

        await alicePanel.end.click();
        const talkedS = (Date.now() - activeAt) / 1000;
        await endedAs(alice, callId, 'completed');
        await endedAs(carol, callId, 'completed');
        await expect.poll(() => button.state(), UI).toBe('idle');

        for (const [page, direction, peer] of [
          [alice, 'outgoing', 'Carol Chen'],
          [carol, 'incoming', 'Alice Adams'],
        ] as const) {
          const row = await historyShows(page, callId, 'completed', direction);
          expect(row.peerText).toBe(peer);
          expect(row.outcomeText).toBe('Completed');
          expect(row.durationText).toMatch(/^\d+:\d\d$/);
          const shown = parseDuration(row.durationText!);
          expect(Math.abs(shown - talkedS)).toBeLessThanOrEqual(DURATION_TOLERANCE_S);
        }
      },
      SCENARIO_MS,
    );

    it(
      'decline: the caller sees the call declined, both histories say so',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { button, prompt, callId } = await ring(alice, carol, 'carol');
        await expect.poll(() => activeUi(alice).state.textContent(), UI).toContain('Ringing');

        await prompt.decline.click();
        await expect.poll(() => prompt.accept.count(), UI).toBe(0);
        await endedAs(alice, callId, 'rejected');
        // Next to the button Alice clicked: "Declined", for a few seconds.
        await expect
          .poll(() => button.host.locator('[part="outcome"]').textContent(), UI)
          .toBe('Declined');
        await endedAs(carol, callId, 'rejected');
        await expect.poll(() => button.state(), UI).toBe('idle');
        // What Alice can see: her history's newest row says "Declined".
        const row = await historyShows(alice, callId, 'rejected', 'outgoing');
        expect(row.outcomeText).toBe('Declined');
        await historyShows(carol, callId, 'rejected', 'incoming');
        expect(await peerConnections(alice)).toBe(0);
        expect(await peerConnections(carol)).toBe(0);
      },
      SCENARIO_MS,
    );

    it(
      'no answer: missed after the ring timeout on both sides and in both histories',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { button, prompt, callId } = await ring(alice, carol, 'carol');

        const missed = { timeout: E2E_TIMERS.ringTimeoutMs + UI.timeout };
        await expect.poll(async () => (await lastEnded(alice))?.endReason, missed).toBe('missed');
        await expect.poll(() => prompt.accept.count(), UI).toBe(0);
        await endedAs(carol, callId, 'missed');
        await expect.poll(() => button.state(), UI).toBe('idle');
        const row = await historyShows(alice, callId, 'missed', 'outgoing');
        expect(row.outcomeText).toBe('Missed');
        await historyShows(carol, callId, 'missed', 'incoming');
      },
      SCENARIO_MS,
    );

    it(
      'cancel: the caller hangs up while it rings and the callee stops ringing',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { button, prompt, callId } = await ring(alice, carol, 'carol');
        await expect.poll(async () => (await rings(carol)).length, UI).toBeGreaterThan(0);
        await expect.poll(() => incomingUi(carol).host.getAttribute('ringing'), UI).toBe('');

        // While it rings, the same button cancels.
        await button.button.click();
        await expect.poll(() => prompt.accept.count(), UI).toBe(0);
        await expect.poll(() => incomingUi(carol).host.getAttribute('ringing'), UI).toBe(null);
        await endedAs(carol, callId, 'cancelled');
        await endedAs(alice, callId, 'cancelled');
        await historyShows(alice, callId, 'cancelled', 'outgoing');
        await historyShows(carol, callId, 'cancelled', 'incoming');
      },
      SCENARIO_MS,
    );

    it(
      'two tabs: both ring, accepting in one stops the other (it says answered elsewhere), audio only in the accepting tab',
      async () => {
        const alice = await rig.open('alice');
        const carol1 = await rig.open('carol');
        const carol2 = await rig.openTab(carol1);

        const { callId } = await ring(alice, carol1, 'carol');
        await incomingUi(carol2).accept.waitFor({ state: 'visible', ...UI });

        await incomingUi(carol2).accept.click();
        // What the other tab shows for a few seconds instead of the prompt.
        await expect
          .poll(() => incomingUi(carol1).host.locator('[part="notice"]').textContent(), UI)
          .toContain('answered on another device');
        await bothActive(alice, carol2, callId);
        // The other tab's prompt closes; its client ended the call as answered elsewhere.
        await expect.poll(() => incomingUi(carol1).accept.count(), UI).toBe(0);
        await expect.poll(() => incomingUi(carol1).host.getAttribute('ringing'), UI).toBe(null);
        await expect.poll(async () => (await lastEnded(carol1))?.id, UI).toBe(callId);
        expect((await lastEnded(carol1))?.endReason).toBe('answered-elsewhere');

        await bothHear(alice, carol2);
        const other = await sdkState(carol1);
        expect(other.active).toBe(null);
        expect(other.incoming).toEqual([]);
        expect(await activeUi(carol1).open()).toBe(false);
        // No media was ever set up in the tab that did not answer.
        expect(await peerConnections(carol1)).toBe(0);
        expect(await peerConnections(carol2)).toBeGreaterThan(0);

        await activeUi(carol2).end.click();
        await endedAs(alice, callId, 'completed');
        await endedAs(carol2, callId, 'completed');
      },
      SCENARIO_MS,
    );

    it(
      'busy and offline: the button is disabled and the server refuses',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');

        // Dave is not signed in: his button says offline and cannot be clicked…
        const toDave = await callButton(alice, 'dave');
        await expect.poll(() => toDave.state(), UI).toBe('offline');
        expect(await toDave.button.isDisabled()).toBe(true);
        await expect(toDave.host.locator('[part="hint"]').textContent()).resolves.toContain(
          'offline',
        );
        // …and a script that calls anyway is refused by the server.
        expect(await placeCall(alice, 'dave')).toEqual({ ok: false, code: 'offline' });
        expect(await activeCall(alice)).toBe(null);

        const { callId } = await connect(alice, carol, 'carol');

        // Dave signs in to the portal: Alice is busy there.
        const dave = await rig.open('dave');
        const toAlice = await callButton(dave, 'alice');
        await expect.poll(() => toAlice.state(), UI).toBe('busy');
        expect(await toAlice.button.isDisabled()).toBe(true);
        await expect(toAlice.host.locator('[part="hint"]').textContent()).resolves.toContain(
          'another call',
        );
        expect(await placeCall(dave, 'alice')).toEqual({ ok: false, code: 'busy' });
        expect(await activeCall(dave)).toBe(null);
        // Alice's call was not disturbed.
        expect((await activeCall(alice))?.id).toBe(callId);
        expect(await incomingUi(alice).accept.count()).toBe(0);

        await activeUi(alice).end.click();
        await endedAs(carol, callId, 'completed');
      },
      SCENARIO_MS,
    );

    it(
      'reload: the agent reloads mid-call and the call resumes without ringing, audio both ways',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { callId } = await connect(alice, carol, 'carol');
        await bothHear(alice, carol);
        const carolRang = (await rings(carol)).length;

        await alice.reload();
        await waitConnected(alice);
        await explained(
          expect.poll(async () => (await activeCall(alice))?.state, AUDIO).toBe('active'),
          alice,
          carol,
        );
        expect((await activeCall(alice))?.id).toBe(callId);
        await bothHear(alice, carol);

        // Nothing rang on either side, and Carol's call never ended.
        expect(await rings(alice)).toEqual([]);
        expect(await rings(carol)).toHaveLength(carolRang);
        expect((await sdkState(alice)).incoming).toEqual([]);
        expect((await activeCall(carol))?.id).toBe(callId);
        expect(await lastEnded(carol)).toBe(null);

        await activeUi(alice).end.click();
        await endedAs(alice, callId, 'completed');
        await endedAs(carol, callId, 'completed');
      },
      SCENARIO_MS,
    );

    it(
      'closed tab: the other side ends as disconnected after the grace window',
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const { callId } = await connect(alice, carol, 'carol');
        await bothHear(alice, carol);
        const leftBefore = await participantLeftWebhooks(rig);

        // As a person closing the tab: unload handlers run (livekit-client leaves the room in them).
        await carol.close({ runBeforeUnload: true });
        const grace = { timeout: E2E_TIMERS.reconnectGraceMs + 30_000 };
        await expect.poll(async () => (await lastEnded(alice))?.id, grace).toBe(callId);
        expect((await lastEnded(alice))?.endReason).toBe('disconnected');
        await expect.poll(() => activeUi(alice).open(), UI).toBe(false);
        const row = await historyShows(alice, callId, 'disconnected', 'outgoing');
        expect(row.outcomeText).toBe('Disconnected');
        if (mode === 'livekit') {
          // LiveKit told the server that Carol left the room (a signed webhook it accepted).
          expect(await participantLeftWebhooks(rig)).toBeGreaterThan(leftBefore);
        }
      },
      SCENARIO_MS,
    );

    if (mode === 'livekit') {
      it(
        'room security: non-parties get no token, forged or foreign tokens do not get into the room, the room is deleted after the call',
        async () => {
          const rooms = rig.rooms!;
          const lk = rig.livekit!;
          const alice = await rig.open('alice');
          const carol = await rig.open('carol');
          const { callId } = await connect(alice, carol, 'carol');
          await bothHear(alice, carol);
          const room = (await rooms.listRooms()).find((r) => r.name.endsWith(callId));
          expect(room?.name).toMatch(/^acme-/);
          const roomA = room!.name;
          const inRoom = async () =>
            (await rooms.listParticipants(roomA)).map((p) => p.identity).sort();
          expect(await inRoom()).toEqual(['alice', 'carol']);

          // The token endpoint: a party gets one for this room, anyone else a 404.
          const tokenFor = async (userId: string) => {
            const res = await fetch(`${rig.demo.url}/demo/token?user=${userId}`);
            return ((await res.json()) as { token: string }).token;
          };
          const askRoomToken = async (userId: string) =>
            fetch(`${rig.demo.url}/api/livekit/token`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${await tokenFor(userId)}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify({ callId }),
            });
          const party = await askRoomToken('carol');
          expect(party.status).toBe(200);
          expect(((await party.json()) as { room: string }).room).toBe(roomA);
          expect((await askRoomToken('bob')).status).toBe(404);
          expect((await askRoomToken('dave')).status).toBe(404);
          expect((await askRoomToken('erin')).status).toBe(404);

          // A second call: Bob holds a real token, but for his own call's room.
          const bob = await rig.open('bob');
          const dave = await rig.open('dave');
          const second = await connect(bob, dave, 'dave');
          const res = await fetch(`${rig.demo.url}/api/livekit/token`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${await tokenFor('bob')}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ callId: second.callId }),
          });
          expect(res.status).toBe(200);
          const foreign = (await res.json()) as { token: string; room: string };
          expect(foreign.room).not.toBe(roomA);

          const forge = (key: string, secret: string) => {
            const at = new AccessToken(key, secret, { identity: 'mallory', ttl: 300 });
            at.addGrant({ room: roomA, roomJoin: true, canPublish: true, canSubscribe: true });
            return at.toJwt();
          };
          const intruder = await rig.stranger();
          const wrongSecret = await tryJoin(
            intruder,
            lk.wsUrl,
            await forge(lk.apiKey, 'x'.repeat(32)),
          );
          expect(wrongSecret.joined).toBe(false);
          expect(wrongSecret.error).toMatch(/signature is invalid/);
          const wrongKey = await tryJoin(intruder, lk.wsUrl, await forge('otherkey', lk.apiSecret));
          expect(wrongKey.joined).toBe(false);
          expect(wrongKey.error).toMatch(/invalid API key/);
          const withForeign = await tryJoin(intruder, lk.wsUrl, foreign.token);
          // LiveKit takes the room from the token: the best this gets is Bob's own room.
          expect(withForeign.room).not.toBe(roomA);
          expect(await inRoom()).toEqual(['alice', 'carol']);
          await expect.poll(() => hears(alice, CUSTOMER_HZ), AUDIO).toBe(true);

          await activeUi(alice).end.click();
          await endedAs(carol, callId, 'completed');
          await activeUi(dave)
            .end.click()
            .catch(() => undefined);
          await expect
            .poll(async () => (await rooms.listRooms()).map((r) => r.name), UI)
            .not.toContain(roomA);
          await expect
            .poll(async () => (await rooms.listRooms()).map((r) => r.name), UI)
            .not.toContain(foreign.room);
        },
        SCENARIO_MS,
      );
    }

    it(
      `setup times: ${SETUP_SAMPLES} calls, click to ring and click to both hearing each other`,
      async () => {
        const alice = await rig.open('alice');
        const carol = await rig.open('carol');
        const samples: { ringMs: number; setupMs: number; acceptToAudioMs: number }[] = [];
        for (let i = 0; i < SETUP_SAMPLES; i++) {
          const button = await callable(alice, 'carol');
          const ringsBefore = (await rings(carol)).length;
          await Promise.all([armMarks(alice, CUSTOMER_HZ), armMarks(carol, AGENT_HZ)]);
          await button.button.click();
          await expect.poll(async () => (await rings(carol)).length, UI).toBe(ringsBefore + 1);
          await incomingUi(carol).accept.click();
          for (const page of [alice, carol]) {
            await expect.poll(async () => (await marks(page)).heardAt, AUDIO).toBeGreaterThan(0);
          }
          const [a, c, rang] = [
            await marks(alice),
            await marks(carol),
            (await rings(carol)).at(-1)!,
          ];
          const heard = Math.max(a.heardAt!, c.heardAt!);
          samples.push({
            ringMs: rang - a.clickAt!,
            setupMs: heard - a.clickAt!,
            acceptToAudioMs: heard - c.clickAt!,
          });
          const callId = (await activeCall(alice))!.id;
          await activeUi(alice).end.click();
          await endedAs(alice, callId, 'completed');
          await endedAs(carol, callId, 'completed');
        }
        const result = {
          calls: samples.length,
          medianTimeToRingMs: median(samples.map((s) => s.ringMs)),
          medianSetupMs: median(samples.map((s) => s.setupMs)),
          medianAcceptToAudioMs: median(samples.map((s) => s.acceptToAudioMs)),
          samples,
          measuredAt: new Date().toISOString(),
          note: 'click on the call button -> callee UI rings; click -> both sides hear the other tone (accept clicked by the test as soon as it rings). Shared 2-core machine, headless Chromium.',
        };
        console.log(
          `[e2e ${mode}] median over ${samples.length} calls: time to ring ${result.medianTimeToRingMs} ms, ` +
            `setup (click -> both hear) ${result.medianSetupMs} ms, accept -> both hear ${result.medianAcceptToAudioMs} ms`,
        );
        await recordSetupTimes(mode, result);
        // Sanity of the marks, not speed: each call rang after its click and was heard after ringing.
        for (const sample of samples) {
          expect(sample.ringMs).toBeGreaterThan(0);
          expect(sample.setupMs).toBeGreaterThan(sample.ringMs);
        }
      },
      SCENARIO_MS,
    );
  });
}
