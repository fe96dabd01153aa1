import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig([
  {
    // npm consumers: ESM per module, dependencies left to their bundler.
    ...preset,
    clean: false,
    entry: ['src/index.ts'],
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
    // Build from sdk-core's sources so the bundle never carries a stale sdk-core dist.
    esbuildOptions(options) {
      options.chunkNames = 'chunks/[name]-[hash]';
      options.alias = {
        '@synapse-calling/sdk-core': '../sdk-core/src/index.ts',
        '@synapse-calling/protocol': '../protocol/src/index.ts',
      };
    },
  },
]);
