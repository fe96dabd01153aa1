import { readFile, writeFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';
import { preset } from '../../tsup.preset';

/** Build the bundles from sdk-core's sources, so they never carry a stale sdk-core dist. */
const sources = {
  '@synapse-calling/sdk-core': '../sdk-core/src/index.ts',
  '@synapse-calling/protocol': '../protocol/src/index.ts',
};

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * sdk-core always connects with `transports: ['websocket']`, so engine.io-client's long-polling
 * and WebTransport transports can never run in the one-file bundle; its transport table is
 * replaced by one with only WebSocket, which lets esbuild leave the others out (~2 KiB gz,
 * issue 14's bundle budget). npm consumers' own bundlers are not affected.
 */
const websocketOnly: EsbuildPlugin = {
  name: 'engine.io-websocket-only',
  setup(build) {
    build.onLoad(
      { filter: /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/ },
      () => ({
        // `websocket.node.js` is mapped to the browser file by engine.io-client's `browser` field.
        contents:
          'import { WS } from "./websocket.node.js";\nexport const transports = { websocket: WS };\n',
        loader: 'js',
      }),
    );
  },
};

/**
 * The one-file bundle's Lit `css` templates without comments and indentation (esbuild minifies
 * the JS around them, not the CSS inside template literals; ~1 KiB gz). Only the style modules,
 * whose templates are plain CSS with `${…}` parts, which this leaves alone.
 */
const minifyLitCss: EsbuildPlugin = {
  name: 'minify-lit-css',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/](.+\.styles|styles[\\/]tokens)\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(/css`([^`]*)`/g, (_, body: string) => {
        const css = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,>])\s*/g, '$1')
          .replace(/:\s+/g, ':')
          .replace(/;}/g, '}')
          .trim();
        return `css\`${css}\``;
      });
      return { contents, loader: 'ts' };
    });
  },
};

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
