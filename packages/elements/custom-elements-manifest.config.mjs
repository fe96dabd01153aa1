/** @custom-elements-manifest/analyzer config: `cem analyze` reads it (npm run manifest). */
export default {
  globs: ['src/**/*.ts'],
  // src/react.ts is generated from the manifest (scripts/react-types.mjs).
  exclude: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/react.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // The analyzer reads files in parallel: without this the modules' order changes from one
      // build to the next and the committed manifest churns.
      name: 'stable-module-order',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      },
    },
  ],
};
