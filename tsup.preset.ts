import type { Options } from 'tsup';

/** The shared build preset: each package spreads it and names its own entries. */
export const preset: Options = {
  format: ['esm', 'cjs'],
  // Project references are for `tsc -b`; tsup's d.ts step builds each package alone.
  dts: { compilerOptions: { composite: false, emitDeclarationOnly: false } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
};
