import type { Options } from 'tsup';

/** The shared build preset: each package spreads it and names its own entries. */
export const preset: Options = {
  format: ['esm', 'cjs'],
  // Project references are for `tsc -b`; tsup's d.ts step builds each package alone. tsconfig's
  // `paths` point sibling packages at their sources (type-checking never sees a stale dist); they
  // live outside `src`, so the d.ts step needs a wider rootDir. Siblings stay imports in the output.
  dts: { compilerOptions: { composite: false, emitDeclarationOnly: false, rootDir: '..' } },
  // Maps point at the src/ each tarball ships instead of carrying a second copy of it.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
};
