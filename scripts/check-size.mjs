#!/usr/bin/env node
// Fails (exit 1) when a bundle is over its enforced ceiling (docs/performance.md, "Bundle
// budgets"), and says how far each is from its budget. Needs `npm run build` first: it measures
// the shipped synapse-elements.js. Usage: node scripts/check-size.mjs
import { kib, measureSizes } from '../bench/lib/sizes.mjs';

const { bundles, videoUpfront } = measureSizes();
let over = false;
for (const { name, bytes, budget, ceiling } of bundles) {
  over ||= bytes > ceiling;
  const verdict = bytes > ceiling ? 'OVER' : bytes > budget ? 'ok  ' : 'ok ✓';
  console.log(
    `${verdict} ${name}: ${kib(bytes)} gz (ceiling ${kib(ceiling)}, budget ${kib(budget)})`,
  );
}
// Issue 15: code for video loads when video is first used; what every page carries of it
// (the loaders, the Call's video methods, the first sign of video) stays under 1 KiB gz.
let videoOver = false;
for (const { name, bytes, limit } of videoUpfront) {
  videoOver ||= bytes > limit;
  console.log(
    `${bytes > limit ? 'OVER' : 'ok  '} video up front in ${name}: ${bytes} B gz (limit ${limit} B)`,
  );
}
if (over) {
  console.error(
    'A bundle grew past its ceiling: move rarely used code into a lazy chunk (docs/performance.md).',
  );
}
if (videoOver) {
  console.error(
    'Video adds too much to a page up front: move it into the video chunks, and mark what must stay (packages/sdk-core/scripts/video-stand-ins.mjs).',
  );
}
if (over || videoOver) process.exit(1);
