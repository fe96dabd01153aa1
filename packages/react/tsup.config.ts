import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig({
  ...preset,
  entry: { index: 'src/index.ts' },
  platform: 'neutral',
  // Hooks and a context: a client module for React Server Components (Next.js app router), so a
  // server component may render <SynapseProvider> with serialisable options.
  banner: { js: "'use client';" },
  // Rollup's tree-shaking pass drops module-level directives such as the banner above; esbuild
  // alone keeps it, and this small module has nothing to shake.
  treeshake: false,
  // One entry: nothing to split, and without splitting esbuild writes the CommonJS file itself,
  // keeping the banner first.
  splitting: false,
});
