/**
 * Bundle sizes (minified + gzip level 9) and their budgets. The budgets are the ones written in
 * docs/performance.md; scripts/check-size.mjs fails the test command when one is exceeded.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Bytes, gzipped; change only together with docs/performance.md. `budget` is issue 14's target;
 * `ceiling` is what the test command enforces until the target is met (the size today plus a
 * little room), so a bundle can shrink towards its budget but never grow unnoticed.
 */
export const BUDGETS = {
  'synapse-elements.js': { budget: 42 * 1024, ceiling: 53.1 * 1024 },
  'sdk-core page (presence + call buttons)': { budget: 24 * 1024, ceiling: 29.4 * 1024 },
};

/** Issue 15: video may add at most this much (bytes gz) to each up-front bundle. */
export const VIDEO_UPFRONT_LIMIT = 1024;

export function measureSizes() {
  // The single-file bundle as shipped (npm run build writes it).
  const elements = gzipSync(readFileSync(`${root}packages/elements/dist/synapse-elements.js`), {
    level: 9,
  }).length;
  const run = (script, ...args) =>
    JSON.parse(execFileSync(process.execPath, [`${root}${script}`, ...args], { encoding: 'utf8' }));
  const core = run('packages/sdk-core/scripts/size.mjs', '--json');
  // What video adds up front: each bundle minus the same bundle without video's up-front code
  // (packages/sdk-core/scripts/video-stand-ins.mjs).
  const elementsVideo = run('packages/elements/scripts/size.mjs').videoUpfront;
  return {
    bundles: [
      { name: 'synapse-elements.js', bytes: elements, ...BUDGETS['synapse-elements.js'] },
      {
        name: 'sdk-core page (presence + call buttons)',
        bytes: core.upfront,
        ...BUDGETS['sdk-core page (presence + call buttons)'],
      },
    ],
    videoUpfront: [
      { name: 'synapse-elements.js', bytes: elementsVideo, limit: VIDEO_UPFRONT_LIMIT },
      {
        name: 'sdk-core page (presence + call buttons)',
        bytes: core.videoUpfront,
        limit: VIDEO_UPFRONT_LIMIT,
      },
    ],
    lazy: [
      { name: 'livekit-client chunk', bytes: core.livekit },
      { name: 'Web Push / notifications chunk', bytes: core.push },
      { name: 'P2P recorder chunk', bytes: core.recorder },
      { name: 'video chunks (sdk-core)', bytes: core.video },
    ],
  };
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
