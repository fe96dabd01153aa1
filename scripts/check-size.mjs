#!/usr/bin/env node
// Fails (exit 1) when a bundle is over its gzip budget (docs/performance.md). Needs `npm run
// build` first: it measures the shipped synapse-elements.js. Usage: node scripts/check-size.mjs
import { kib, measureSizes } from '../bench/lib/sizes.mjs';

const { bundles } = measureSizes();
let over = false;
for (const { name, bytes, budget } of bundles) {
  const ok = bytes <= budget;
  over ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${name}: ${kib(bytes)} gz (budget ${kib(budget)})`);
}
if (over) {
  console.error(
    'A bundle is over its budget: move rarely used code into a lazy chunk (docs/performance.md).',
  );
  process.exit(1);
}
