import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { callButton } from '@synapse-calling/test-utils/e2e/demo-pages';
import { AUDIO, UI, endedAs } from '@synapse-calling/test-utils/e2e/e2e-flows';
import {
  activeCall,
  activeUi,
  armMarks,
  incomingUi,
  marks,
  rings,
} from '@synapse-calling/test-utils/e2e/e2e-pages';
import {
  AGENT_HZ,
  CUSTOMER_HZ,
  median,
  startRig,
  type MediaMode,
} from '@synapse-calling/test-utils/e2e/e2e-rig';
import { installTimeline, timeline } from '@synapse-calling/test-utils/e2e/timeline';

/**
 * The cold-first-call benchmark (issue 14): every call on brand-new pages (new browser contexts,
 * empty caches) of the demo, placed as soon as the call button is enabled, accepted as soon as it
 * rings; a timeline per call from the pages' own clocks. `npm run bench` runs it with
 * BENCH_COLD_CALLS=5 and BENCH_OUT=bench/results; the test command runs one call per mode as a
 * smoke test, which asserts only that the marks are there and in order — never how fast.
 */
const CALLS = Number(process.env.BENCH_COLD_CALLS ?? 1);
const OUT = process.env.BENCH_OUT ?? mkdtempSync(join(tmpdir(), 'synapse-cold-call-'));
const CALL_MS = 120_000;

type Sample = {
  ringMs: number;
  setupMs: number;
  acceptToAudioMs: number;
  marks: Record<string, number>;
};

const results: { mode: MediaMode; samples: Sample[] }[] = [];

async function coldCall(mode: MediaMode, open: (user: string) => Promise<Page>): Promise<Sample> {
  const alice = await open('alice');
  const carol = await open('carol');
  const button = await callButton(alice, 'carol');
  await expect.poll(() => button.state(), { ...UI, interval: 5 }).toBe('idle');
  await Promise.all([armMarks(alice, CUSTOMER_HZ), armMarks(carol, AGENT_HZ)]);
  await button.button.click();
  await expect.poll(async () => (await rings(carol)).length, { ...UI, interval: 5 }).toBe(1);
  await incomingUi(carol).accept.click();
  for (const page of [alice, carol]) {
    await expect.poll(async () => (await marks(page)).heardAt, AUDIO).toBeGreaterThan(0);
  }
  const [a, c, rang] = [await marks(alice), await marks(carol), (await rings(carol))[0]!];
  const click = a.clickAt!;
  const rel = (t: number | undefined) => (t === undefined ? undefined : Math.round(t - click));
  const all: Record<string, number | undefined> = {
    'callee: rings (UI)': rel(rang),
    'callee: accept click': rel(c.clickAt),
    'caller: hears': rel(a.heardAt),
    'callee: hears': rel(c.heardAt),
  };
  for (const [who, page] of [
    ['caller', alice],
    ['callee', carol],
  ] as const) {
    for (const [name, t] of Object.entries(await timeline(page))) all[`${who}: ${name}`] = rel(t);
  }
  const heard = Math.max(a.heardAt!, c.heardAt!);
  const callId = (await activeCall(alice))!.id;
  await activeUi(alice).end.click();
  await endedAs(alice, callId, 'completed');
  console.log(`[cold-call ${mode}]`, JSON.stringify(all));
  return {
    ringMs: rang - click,
    setupMs: heard - click,
    acceptToAudioMs: heard - c.clickAt!,
    marks: Object.fromEntries(
      Object.entries(all).filter((e): e is [string, number] => e[1] !== undefined),
    ),
  };
}

for (const mode of ['p2p', 'livekit'] as const) {
  describe(`cold first call (${mode})`, () => {
    it(
      `${CALLS} call(s) on fresh pages, with a timeline`,
      async () => {
        const rig = await startRig(mode);
        const samples: Sample[] = [];
        try {
          for (let i = 0; i < CALLS; i++) {
            samples.push(
              await coldCall(mode, (user) => rig.open(user, { beforeLoad: installTimeline })),
            );
            await rig.closeContexts();
          }
        } finally {
          await rig.stop();
        }
        results.push({ mode, samples });
        for (const s of samples) {
          // Sanity, not speed: the marks exist and come in causal order.
          expect(s.ringMs).toBeGreaterThan(0);
          expect(s.setupMs).toBeGreaterThan(s.ringMs);
          expect(s.marks['caller: initiate-call sent']).toBeGreaterThanOrEqual(0);
          expect(s.marks['callee: incoming-call']).toBeGreaterThan(
            s.marks['caller: initiate-call sent']!,
          );
          expect(s.marks['callee: accept-call sent']).toBeGreaterThan(
            s.marks['callee: incoming-call']!,
          );
          expect(s.marks['caller: media connected']).toBeGreaterThan(0);
        }
      },
      CALL_MS + CALLS * CALL_MS,
    );
  });
}

afterAll(() => {
  if (results.length === 0) return;
  const modes = results.map(({ mode, samples }) => {
    const names = [...new Set(samples.flatMap((s) => Object.keys(s.marks)))];
    const marksOut = names
      .map((name) => ({
        name,
        medianMs: median(samples.map((s) => s.marks[name]).filter((v) => v !== undefined)),
      }))
      .sort((x, y) => x.medianMs - y.medianMs);
    const medians = {
      ringMs: median(samples.map((s) => s.ringMs)),
      setupMs: median(samples.map((s) => s.setupMs)),
      acceptToAudioMs: median(samples.map((s) => s.acceptToAudioMs)),
    };
    const accept = median(samples.map((s) => s.setupMs - s.acceptToAudioMs));
    // The stacked bar: consecutive segments that add up to click → both hear.
    const phases = [
      { name: 'click → callee rings', medianMs: medians.ringMs },
      { name: 'ringing → accept click', medianMs: Math.max(0, accept - medians.ringMs) },
      { name: 'accept → both hear', medianMs: medians.acceptToAudioMs },
    ];
    return { mode, medians, phases, marks: marksOut, samples };
  });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    join(OUT, 'cold-call.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), smoke: CALLS < 5, calls: CALLS, modes }, null, 2)}\n`,
  );
});
