#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark, then bench/RESULTS.md and the SVG plots in bench/plots/.
 * Servers and load generators each run in their own process, on 127.0.0.1 only, bounded in
 * clients and time (≤ 10 minutes on the 2-core machines). Needs `npm run build` first.
 *
 *   node bench/run.mjs                      # everything
 *   node bench/run.mjs --only signaling     # some (signaling, memory, fanout, sizes, cold-call);
 *                                           # RESULTS.md keeps the others' last results
 *   node bench/run.mjs --smoke --out DIR    # tiny N, results under DIR (the test command's smoke run)
 *   node bench/run.mjs --profile            # signaling with `node --cpu-prof` on the server
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchSignaling } from './signaling.mjs';
import { benchFanout, benchMemory } from './idle.mjs';
import { measureSizes } from './lib/sizes.mjs';
import { profileSummary } from './lib/profile.mjs';
import { writeReport } from './report.mjs';

const ALL = ['sizes', 'signaling', 'memory', 'fanout', 'cold-call'];
const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string', default: import.meta.dirname },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);
const results = join(out, 'results');
mkdirSync(results, { recursive: true });
const only = values.only ? values.only.split(',') : ALL;
const smoke = values.smoke;
/** Stamped when saved, i.e. when the benchmark finished. */
const save = (name, data) =>
  writeFileSync(
    join(results, `${name}.json`),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), smoke, ...data }, null, 2)}\n`,
  );

/** The cold-call bench is a vitest file (it reuses the e2e rig: demo pages, servers, Chromium). */
function coldCall() {
  return new Promise((done, fail) => {
    const child = spawn(
      'npx',
      ['vitest', 'run', '--project', 'node', 'test/bench/cold-call.e2e.test.ts'],
      {
        cwd: resolve(import.meta.dirname, '..'),
        stdio: 'inherit',
        env: { ...process.env, BENCH_COLD_CALLS: smoke ? '1' : '5', BENCH_OUT: results },
      },
    );
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`cold-call bench exited ${code}`)),
    );
  });
}

for (const name of only) {
  const started = Date.now();
  console.log(`[bench] ${name}…`);
  if (name === 'sizes') save('sizes', measureSizes());
  else if (name === 'signaling') {
    const profDir = values.profile ? mkdtempSync(join(tmpdir(), 'synapse-prof-')) : undefined;
    const data = await benchSignaling({ smoke, cpuProfDir: profDir });
    if (profDir) {
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) save('signaling-profile', profileSummary(join(profDir, file)));
      rmSync(profDir, { recursive: true, force: true });
    }
    save('signaling', data);
  } else if (name === 'memory') save('memory', await benchMemory({ smoke }));
  else if (name === 'fanout') save('fanout', await benchFanout({ smoke }));
  else if (name === 'cold-call') await coldCall();
  else throw new Error(`unknown bench ${name} (one of ${ALL.join(', ')})`);
  console.log(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
await writeReport(out);
console.log(`[bench] wrote ${join(out, 'RESULTS.md')}`);
