#!/usr/bin/env node
// What video adds to the one-file bundle up front (issue 15: at most 1 KiB gz): synapse-elements.js
// built as tsup builds it (same esbuild plugins and options), and again with the video modules it
// loads up front replaced by empty stand-ins (sdk-core/scripts/video-stand-ins.mjs); the
// difference is video's up-front cost. tsup also runs a Rollup tree-shaking pass, so the file
// built here is a few hundred bytes larger than dist/synapse-elements.js; the difference between
// the two builds is what counts.
// Usage: node packages/elements/scripts/size.mjs   (prints JSON: byte counts, gzip level 9)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { videoStandIns } from '../../sdk-core/scripts/video-stand-ins.mjs';
import { minifyLitCss, sources, websocketOnly } from './bundle-plugins.mjs';

const root = resolve(import.meta.dirname, '..');
const dir = await mkdtemp(join(tmpdir(), 'elements-size-'));

/** The gzipped size of the bundle's entry file (what a page loads up front). */
async function entrySize(outdir, plugins) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'synapse-elements': 'src/index.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    alias: sources,
    plugins: [websocketOnly, minifyLitCss, ...plugins],
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  const file = Object.keys(result.metafile.outputs).find((f) => f.endsWith('/synapse-elements.js'));
  return gzipSync(await readFile(join(root, file)), { level: 9 }).length;
}

try {
  const bundle = await entrySize(join(dir, 'full'), []);
  const withoutVideo = await entrySize(join(dir, 'bare'), [videoStandIns]);
  console.log(JSON.stringify({ bundle, withoutVideo, videoUpfront: bundle - withoutVideo }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
