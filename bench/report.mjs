/**
 * Writes RESULTS.md and plots/*.svg from whatever results/*.json exist, so one benchmark can be
 * re-run alone (`--only`) and the page still shows the others' last figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  fanoutSpec,
  memorySpec,
  signalingSpec,
  sizesSpec,
  timelineSpec,
  writeSvg,
} from './lib/plots.mjs';
import { kib } from './lib/sizes.mjs';

const read = (dir, name) => {
  const file = join(dir, 'results', `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const when = (r) =>
  `Measured ${r.measuredAt}${r.smoke ? ' (smoke run: tiny N, not a result)' : ''}.`;
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const x = (ratio) => `${ratio}×`;

/**
 * Under a benchmark whose target is not met: the paragraph of docs/performance.md that says,
 * measured, what stands in the way (issue 14 asks for it beside the figures).
 */
const notMet = (met, anchor) =>
  met
    ? []
    : [
        `**Target not met.** What stands in the way, measured: [docs/performance.md](../docs/performance.md#${anchor}).`,
        '',
      ];
/** baseline p50 / p99, ours p50 / p99, ratio p50, ratio p99 — the latency benches' columns. */
const latencyCells = (l) => [
  `${l.baseline.p50} / ${l.baseline.p99}`,
  `${l.synapse.p50} / ${l.synapse.p99}`,
  x(l.ratio.p50),
  x(l.ratio.p99),
];

export async function writeReport(dir) {
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const md = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.mjs); do not edit by hand. Every baseline runs in the same',
    'run as the figure it is compared with; on a shared 2-core machine only the ratios mean much.',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}. Report written ${new Date().toISOString()}.`,
    '',
  ];

  const sizes = read(dir, 'sizes');
  if (sizes) {
    await writeSvg(join(dir, 'plots', 'bundles.svg'), sizesSpec(sizes));
    md.push('## Bundles (minified + gzip level 9)', '', when(sizes), '');
    md.push(
      table(
        ['bundle', 'budget (target)', 'ours', 'ratio to budget', 'enforced ceiling', 'budget met'],
        sizes.bundles.map((b) => [
          b.name,
          kib(b.budget),
          kib(b.bytes),
          x((b.bytes / b.budget).toFixed(2)),
          kib(b.ceiling),
          b.bytes <= b.budget ? 'yes' : '**no**',
        ]),
      ),
      '',
      'Video up front (issue 15, at most 1 KiB each): ' +
        (sizes.videoUpfront ?? []).map((v) => `${v.name} ${v.bytes} B`).join(', ') +
        '.',
      '',
      'Loaded only when needed: ' +
        sizes.lazy.map((l) => `${l.name} ${kib(l.bytes)}`).join(', ') +
        '.',
      '',
      '![bundle sizes](plots/bundles.svg)',
      '',
      ...notMet(
        sizes.bundles.every((b) => b.bytes <= b.budget),
        'bundle-budgets',
      ),
    );
  }

  const signaling = read(dir, 'signaling');
  if (signaling) {
    await writeSvg(join(dir, 'plots', 'signaling.svg'), signalingSpec(signaling));
    md.push('## Signalling: ring latency vs a bare Socket.IO relay', '', when(signaling), '');
    md.push(
      '`initiate-call` sent → `incoming-call` received at the callee, through the reference server',
      '(JWT auth, validation, rate limits on, SQLite call log on disk, info logging) vs `relay` sent →',
      `\`relayed\` received through a bare Socket.IO server. Each pair rings then cancels every ${signaling.intervalMs} ms.`,
      '',
      table(
        [
          'pairs',
          'calls',
          'baseline p50 / p99 (ms)',
          'ours p50 / p99 (ms)',
          'ratio p50',
          'ratio p99',
          'target',
        ],
        signaling.levels.map((l) => [
          l.pairs,
          l.synapse.n,
          ...latencyCells(l),
          '≤ 1.3× p50, ≤ 2× p99',
        ]),
      ),
      '',
      '![ring latency](plots/signaling.svg)',
      '',
      ...notMet(
        signaling.levels.every((l) => l.ratio.p50 <= 1.3 && l.ratio.p99 <= 2),
        'signalling-under-load-where-the-time-goes',
      ),
    );
  }
  const profile = read(dir, 'signaling-profile');
  if (profile) {
    md.push(
      '### Server CPU profile during the signalling bench (`node --cpu-prof`)',
      '',
      when(profile),
      '',
    );
    const rows = (list) => list.map((t) => [`\`${t.name}\``, t.ms, t.pct]);
    md.push(
      `Busy ${profile.busyMs} ms of ${profile.totalMs} ms sampled (the rest idle). Shares are of the busy time.`,
      '',
      'Inclusive time by library (`synapse` is the server itself):',
      '',
      table(['library', 'ms', '% of busy'], rows(profile.areas)),
      '',
      "Inclusive time of the server's own functions:",
      '',
      table(['function', 'ms', '% of busy'], rows(profile.synapse)),
      '',
      'Self time:',
      '',
      table(['function', 'self ms', '% of busy'], rows(profile.topSelf)),
      '',
    );
  }

  const memory = read(dir, 'memory');
  if (memory) {
    await writeSvg(join(dir, 'plots', 'memory.svg'), memorySpec(memory));
    md.push('## Idle clients: server RSS per client', '', when(memory), '');
    md.push(
      `Synapse clients each watch ${memory.watchesPerClient} users; bare Socket.IO sockets only connect. RSS growth over the idle server, divided by the clients.`,
      '',
      table(
        ['clients', 'baseline KB/client', 'ours KB/client', 'ratio', 'target'],
        memory.levels.map((l) => [
          l.clients,
          l.baseline.perClientKb,
          l.synapse.perClientKb,
          x(l.ratio),
          '≤ 1.3×',
        ]),
      ),
      '',
      '![memory per client](plots/memory.svg)',
      '',
      ...notMet(
        memory.levels.filter((l) => l.clients >= 10_000).every((l) => l.ratio <= 1.3),
        'idle-connections-what-each-one-costs',
      ),
    );
  }

  const fanout = read(dir, 'fanout');
  if (fanout) {
    await writeSvg(join(dir, 'plots', 'fanout.svg'), fanoutSpec(fanout));
    md.push('## Presence fan-out', '', when(fanout), '');
    md.push(
      `A watched user's \`set-status\` → \`presence-changed\` at each watcher, vs a bare Socket.IO server emitting one event to a room (${fanout.trials} changes each; every watcher's receive time is a sample).`,
      '',
      table(
        [
          'watchers',
          'baseline p50 / p99 (ms)',
          'ours p50 / p99 (ms)',
          'ratio p50',
          'ratio p99',
          'target',
        ],
        fanout.levels.map((l) => [l.watchers, ...latencyCells(l), '≤ 1.5× p99 at 5,000']),
      ),
      '',
      '![presence fan-out](plots/fanout.svg)',
      '',
      ...notMet(
        fanout.levels.filter((l) => l.watchers >= 5000).every((l) => l.ratio.p99 <= 1.5),
        'presence-fan-out',
      ),
    );
  }

  const cold = read(dir, 'cold-call');
  if (cold) {
    await writeSvg(join(dir, 'plots', 'cold-call.svg'), timelineSpec(cold));
    md.push('## Cold first call (fresh pages, two headless Chromiums)', '', when(cold), '');
    md.push(
      `Median of ${cold.calls} calls per mode, each on new pages of the demo, placed as soon as the call button is enabled; accept clicked as soon as it rings. Times from the pages' own clocks.`,
      '',
      table(
        [
          'mode',
          'click → ring',
          'click → both hear',
          'accept → both hear',
          'targets (ring / both hear / accept → hear)',
        ],
        cold.modes.map((m) => [
          m.mode,
          `${m.medians.ringMs} ms`,
          `${m.medians.setupMs} ms`,
          `${m.medians.acceptToAudioMs} ms`,
          m.mode === 'p2p' ? '150 / 500 / 300 ms' : '150 / 1,000 / 600 ms',
        ]),
      ),
      '',
      'Timeline (median ms after the click; each mark from the page that saw it):',
      '',
      ...cold.modes.flatMap((m) => [
        `**${m.mode}**: ` + m.marks.map((k) => `${k.name} ${k.medianMs}`).join(' · '),
        '',
      ]),
      '![cold-call timeline](plots/cold-call.svg)',
      '',
      ...notMet(
        cold.modes.every((m) => {
          const [setup, accept] = m.mode === 'p2p' ? [500, 300] : [1000, 600];
          const t = m.medians;
          return t.ringMs <= 150 && t.setupMs <= setup && t.acceptToAudioMs <= accept;
        }),
        'what-makes-the-first-call-fast',
      ),
    );
  }
  writeFileSync(join(dir, 'RESULTS.md'), md.join('\n'));
}
