import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig({
  ...preset,
  // Two entries so that a client importing the types and constants never pulls zod in.
  entry: { index: 'src/index.ts', schemas: 'src/schemas.ts' },
  platform: 'neutral',
  external: ['zod'],
});
