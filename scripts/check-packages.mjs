// publint and @arethetypeswrong/cli over every published package, as npm would pack it (run after
// `npm run build`). attw uses the node16 profile; elements is ESM-only by design, so a CommonJS
// consumer reaching it through dynamic import only (cjs-resolves-to-esm) is expected there.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const packages = {
  protocol: [],
  'sdk-core': [],
  'reference-server': [],
  elements: ['--ignore-rules', 'cjs-resolves-to-esm'],
  react: [],
};

let failed = 0;
for (const [name, attwFlags] of Object.entries(packages)) {
  const cwd = join(root, 'packages', name);
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped', ...attwFlags]],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd, stdio: 'inherit' });
    } catch {
      failed++;
      console.error(`check-packages: ${tool} failed for packages/${name}`);
    }
  }
}
process.exit(failed ? 1 : 0);
