import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The benchmark suite with tiny N (`node bench/run.mjs --smoke`), so it never rots: it must run,
 * produce sane numbers, RESULTS.md and the SVG plots. Nothing here asserts a speed or a ratio
 * (the machine is shared); the cold-call bench's smoke run is test/bench/cold-call.e2e.test.ts.
 * Needs `npm run build` (the bench runs the built server and measures the built bundle).
 */
const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'synapse-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const json = (name: string) =>
  JSON.parse(readFileSync(join(out, 'results', `${name}.json`), 'utf8')) as Record<string, never>;
type Stats = { n: number; p50: number; p99: number };

describe('bench smoke run', () => {
  it('runs every node benchmark and writes RESULTS.md with SVG plots', async () => {
    await promisify(execFile)(
      process.execPath,
      ['bench/run.mjs', '--smoke', '--out', out, '--only', 'sizes,signaling,memory,fanout'],
      { cwd: root, timeout: 110_000 },
    );

    const signaling = json('signaling') as unknown as {
      levels: { pairs: number; baseline: Stats; synapse: Stats }[];
    };
    expect(signaling.levels.map((l) => l.pairs)).toEqual([1, 2]);
    for (const l of signaling.levels) {
      for (const s of [l.baseline, l.synapse]) {
        expect(s.n).toBe(l.pairs * 3);
        expect(s.p50).toBeGreaterThan(0);
        expect(s.p99).toBeGreaterThanOrEqual(s.p50);
      }
    }

    const memory = json('memory') as unknown as {
      levels: {
        clients: number;
        baseline: { perClientKb: number };
        synapse: { perClientKb: number };
      }[];
    };
    expect(memory.levels[0]!.clients).toBe(50);
    expect(memory.levels[0]!.synapse.perClientKb).toBeGreaterThan(0);

    const fanout = json('fanout') as unknown as {
      levels: { watchers: number; baseline: Stats; synapse: Stats }[];
    };
    // Every watcher got every change (2 changes × 20 watchers), from both servers.
    expect(fanout.levels[0]!.baseline.n).toBe(40);
    expect(fanout.levels[0]!.synapse.n).toBe(40);

    const sizes = json('sizes') as unknown as { bundles: { bytes: number; budget: number }[] };
    for (const b of sizes.bundles) expect(b.bytes).toBeGreaterThan(10_000);

    const report = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    for (const plot of ['bundles', 'signaling', 'memory', 'fanout']) {
      expect(report).toContain(`plots/${plot}.svg`);
      const svg = readFileSync(join(out, 'plots', `${plot}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
    }
    expect(existsSync(join(out, 'plots', 'cold-call.svg'))).toBe(false);
  }, 120_000);
});
