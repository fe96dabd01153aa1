/** @custom-elements-manifest/analyzer config: `cem analyze` reads it (npm run manifest). */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
};
