/**
 * Where a server's busy time goes, from a V8 .cpuprofile (what `node --cpu-prof` writes): the
 * top functions by self time, and by inclusive time the libraries and the server's own
 * functions. Idle ticks are left out of the shares: a bench server idles most of the time, and
 * what matters is what it does when it is not idle.
 */
import { readFileSync } from 'node:fs';

const NOT_BUSY = new Set(['(idle)', '(program)']);

/** `node_modules/pino/…` → `pino`; the server's bundle → `synapse`; node's own → `node`. */
function areaOf({ url }) {
  if (!url) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('packages/reference-server/')) return 'synapse';
  if (url.startsWith('node:')) return 'node';
  return undefined;
}

function label({ functionName, url, lineNumber }) {
  const where = url
    ? `${url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

const top = (map, busy, count) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 1000),
      pct: Math.round((1000 * us) / busy) / 10,
    }));

export function profileSummary(file, count = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByFn = new Map();
  const inclusiveByArea = new Map();
  const inclusiveBySynapseFn = new Map();
  let total = 0;
  let busy = 0;
  // Samples are node ids at each tick; timeDeltas the gap before each sample (µs).
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const frame = byId.get(id).callFrame;
    if (NOT_BUSY.has(frame.functionName)) return;
    busy += us;
    selfByFn.set(label(frame), (selfByFn.get(label(frame)) ?? 0) + us);
    // Each area and each server function counts once per sample, however deep it recurses.
    const areas = new Set();
    const fns = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      const area = areaOf(f);
      if (area) areas.add(area);
      if (area === 'synapse' && f.functionName) fns.add(f.functionName);
    }
    if (frame.functionName === '(garbage collector)') areas.add('(garbage collector)');
    for (const a of areas) inclusiveByArea.set(a, (inclusiveByArea.get(a) ?? 0) + us);
    for (const f of fns) inclusiveBySynapseFn.set(f, (inclusiveBySynapseFn.get(f) ?? 0) + us);
  });
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    topSelf: top(selfByFn, busy, count),
    areas: top(inclusiveByArea, busy, count),
    synapse: top(inclusiveBySynapseFn, busy, count),
  };
}
