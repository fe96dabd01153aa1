// The esbuild plugins of the one-file bundle (dist/synapse-elements.js), shared by tsup.config.ts
// and the size measurement (scripts/size.mjs), so that the bundle measured is the bundle shipped.
import { readFile } from 'node:fs/promises';

/**
 * sdk-core always connects with `transports: ['websocket']`, so engine.io-client's long-polling
 * and WebTransport transports can never run in the one-file bundle; its transport table is
 * replaced by one with only WebSocket, which lets esbuild leave the others out (~2 KiB gz,
 * issue 14's bundle budget). npm consumers' own bundlers are not affected.
 */
export const websocketOnly = {
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
export const minifyLitCss = {
  name: 'minify-lit-css',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/](.+\.styles|styles[\\/]tokens)\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(/css`([^`]*)`/g, (_, body) => {
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

/** Build the bundles from sdk-core's sources, so they never carry a stale sdk-core dist. */
export const sources = {
  '@synapse-calling/sdk-core': '../sdk-core/src/index.ts',
  '@synapse-calling/protocol': '../protocol/src/index.ts',
};
