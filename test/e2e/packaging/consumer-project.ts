import { cpSync } from 'node:fs';
import { join } from 'node:path';
import {
  consumerProject,
  packPackages,
  WORKSPACE,
  type ConsumerProject,
} from '@synapse-calling/test-utils/packaging/packed';

/**
 * The third-party packages of the consumer project. One list for every packaging test file, so
 * that they share one installed template (the first install compiles better-sqlite3).
 */
const DEPENDENCIES = {
  express: '^5.1.0',
  jose: '^6.1.0',
  '@types/node': '^20.19.0',
  react: '^19.0.0',
  'react-dom': '^19.0.0',
  '@types/react': '^19.0.0',
  '@types/react-dom': '^19.0.0',
  vite: '^8.0.0',
  '@vitejs/plugin-react': '^6.0.0',
};

/**
 * A project under the OS temp dir with the packed tarballs and DEPENDENCIES installed, the
 * consumer files of test/e2e/packaging/consumer and the docs' snippet files (docs-snippets/).
 * Needs `npm run build`.
 */
export async function installConsumer(): Promise<ConsumerProject> {
  const project = await consumerProject(await packPackages(), { dependencies: DEPENDENCIES });
  cpSync(join(import.meta.dirname, 'consumer'), project.dir, { recursive: true });
  cpSync(join(WORKSPACE, 'examples/docs'), join(project.dir, 'docs-snippets'), {
    recursive: true,
    filter: (src) => !src.endsWith('tsconfig.json'),
  });
  return project;
}

export const TSC = join(WORKSPACE, 'node_modules/typescript/bin/tsc');

/** Runs tsc in the project; resolves with what it printed when it failed, '' when it passed. */
export function typeCheck(project: ConsumerProject, config: string): Promise<string> {
  return project.exec(process.execPath, [TSC, '-p', config]).then(
    () => '',
    (err: { stdout?: string; message: string }) => err.stdout || err.message,
  );
}
