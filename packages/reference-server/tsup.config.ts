import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig([
  {
    ...preset,
    clean: false,
    entry: { index: 'src/index.ts', redis: 'src/redis.ts' },
    platform: 'node',
  },
  {
    ...preset,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
