/**
 * The bench's plots: Vega-Lite specs compiled to Vega and rendered to SVG in Node (no browser,
 * no canvas). vega-lite stays on 6.4.x: 6.5 needs Node 22.
 */
import { writeFile } from 'node:fs/promises';
import * as vega from 'vega';
import { compile } from 'vega-lite';

export async function writeSvg(file, spec) {
  const compiled = compile({ background: 'white', ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await writeFile(file, await view.toSVG());
  view.finalize();
}

/** Ring latency distributions (box plots), per server and number of pairs. */
export function signalingSpec(signaling) {
  const values = signaling.levels.flatMap((l) =>
    ['baseline', 'synapse'].flatMap((who) =>
      l.samples[who].map((ms) => ({
        pairs: `${l.pairs} pair(s)`,
        server: who === 'baseline' ? 'bare Socket.IO' : 'Synapse',
        ms,
      })),
    ),
  );
  return {
    title: 'Ring latency: initiate-call → incoming-call (ms)',
    data: { values },
    facet: { column: { field: 'pairs', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 260,
      mark: { type: 'boxplot', extent: 'min-max' },
      encoding: {
        x: { field: 'server', type: 'nominal', title: null },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log)' },
        color: { field: 'server', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Server RSS per connected client vs number of clients. */
export function memorySpec(memory) {
  const values = memory.levels.flatMap((l) => [
    { clients: l.clients, server: 'bare Socket.IO', kb: l.baseline.perClientKb },
    {
      clients: l.clients,
      server: `Synapse (watching ${memory.watchesPerClient})`,
      kb: l.synapse.perClientKb,
    },
  ]);
  return {
    title: 'Server RSS per idle client (KB)',
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'clients', type: 'quantitative', title: 'connected clients' },
      y: { field: 'kb', type: 'quantitative', title: 'KB per client' },
      color: { field: 'server', type: 'nominal', title: null },
    },
  };
}

/** Presence fan-out p50 / p99 vs watchers. */
export function fanoutSpec(fanout) {
  const values = fanout.levels.flatMap((l) =>
    ['p50', 'p99'].flatMap((p) => [
      { watchers: l.watchers, series: `bare Socket.IO ${p}`, ms: l.baseline[p] },
      { watchers: l.watchers, series: `Synapse ${p}`, ms: l.synapse[p] },
    ]),
  );
  return {
    title: 'Presence change → received by every watcher (ms)',
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'watchers', type: 'quantitative', scale: { type: 'log' } },
      y: { field: 'ms', type: 'quantitative' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Cold-call timeline: one stacked bar per mode, a segment per phase (medians). */
export function timelineSpec(cold) {
  const values = cold.modes.flatMap((m) =>
    m.phases.map((p, order) => ({ mode: m.mode, phase: p.name, ms: p.medianMs, order })),
  );
  return {
    title: 'Cold first call: where the time goes (median ms from click)',
    width: 520,
    height: 120,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'mode', type: 'nominal', title: null },
      x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms after the click' },
      color: {
        field: 'phase',
        type: 'nominal',
        sort: { field: 'order' },
        title: 'phase',
        legend: { labelLimit: 400 },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [{ field: 'phase' }, { field: 'ms' }],
    },
  };
}

/** Bundle sizes against their budgets. */
export function sizesSpec(sizes) {
  const values = sizes.bundles.flatMap((b) => [
    { bundle: b.name, what: 'gzip size', kib: b.bytes / 1024 },
    { bundle: b.name, what: 'budget', kib: b.budget / 1024 },
    { bundle: b.name, what: 'enforced ceiling', kib: b.ceiling / 1024 },
  ]);
  return {
    title: 'Bundles, min + gzip (KiB)',
    width: 420,
    height: 120,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'bundle', type: 'nominal', title: null },
      yOffset: { field: 'what' },
      x: { field: 'kib', type: 'quantitative', title: 'KiB' },
      color: { field: 'what', type: 'nominal', title: null },
    },
  };
}
