/** @custom-elements-manifest/analyzer config: `cem analyze` reads it (npm run manifest). */
export default {
  globs: ['src/**/*.ts'],
  // src/react.ts is generated from the manifest (scripts/react-types.mjs).
  exclude: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/react.ts'],
  outdir: '.',
  litelement: true,
};
