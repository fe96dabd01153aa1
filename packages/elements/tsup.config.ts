import { writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';
// Shared with the size measurement (scripts/size.mjs), so it measures the bundle shipped.
import { minifyLitCss, sources, websocketOnly } from './scripts/bundle-plugins.mjs';

export default defineConfig([
  {
    // npm consumers: ESM per module, dependencies left to their bundler. `./react` runs the same
    // module as `.` (so the tags are defined once) and only adds types: the JSX of src/react.ts.
    ...preset,
    clean: false,
    entry: ['src/index.ts'],
    dts: { ...(preset.dts as object), entry: { index: 'src/index.ts', react: 'src/react.ts' } },
    format: ['esm'],
    platform: 'browser',
  },
  {
    // A plain <script type="module"> tag: one file with lit, socket.io-client and sdk-core
    // inside; livekit-client becomes a lazily loaded chunk beside it. No source maps: they would
    // point at lit's, socket.io's and livekit's sources, which the tarball does not ship.
    ...preset,
    entry: { 'synapse-elements': 'src/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    clean: false,
    platform: 'browser',
    noExternal: [/.*/],
    minify: true,
    outDir: 'dist',
    esbuildPlugins: [websocketOnly, minifyLitCss],
    esbuildOptions(options) {
      options.chunkNames = 'chunks/[name]-[hash]';
      options.alias = sources;
    },
  },
  {
    // The service worker: a classic script (a worker registered without `type: 'module'`, or
    // `importScripts()`-ed into the host's own), self-contained; no source map, as for the
    // one-file bundle.
    ...preset,
    entry: { 'synapse-sw': 'src/sw/synapse-sw.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    platform: 'browser',
    noExternal: [/.*/],
    minify: true,
    outDir: 'dist',
    esbuildOptions(options) {
      options.alias = sources;
    },
    // A script with no exports; its declaration lets a host's own worker, built with a bundler,
    // `import '@synapse-calling/elements/synapse-sw.js'` with the package's types resolving.
    async onSuccess() {
      await writeFile(
        'dist/synapse-sw.d.ts',
        '/** The Synapse service worker: side effects only (docs/notifications.md). */\nexport {};\n',
      );
    },
  },
]);
