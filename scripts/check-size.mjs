#!/usr/bin/env node
// Fails (exit 1) when a bundle is over its enforced ceiling (docs/performance.md, "Bundle
// budgets"), and says how far each is from its budget. Needs `npm run build` first: it measures
// the shipped synapse-elements.js. Usage: node scripts/check-size.mjs
import { kib, measureSizes } from '../bench/lib/sizes.mjs';

const { bundles } = measureSizes();
let over = false;
for (const { name, bytes, budget, ceiling } of bundles) {
  over ||= bytes > ceiling;
  const verdict = bytes > ceiling ? 'OVER' : bytes > budget ? 'ok  ' : 'ok ✓';
  console.log(
    `${verdict} ${name}: ${kib(bytes)} gz (ceiling ${kib(ceiling)}, budget ${kib(budget)})`,
  );
}
if (over) {
  console.error(
    'A bundle grew past its ceiling: move rarely used code into a lazy chunk (docs/performance.md).',
  );
  process.exit(1);
}
