import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pruneUnused, withLock } from './lock';

const run = promisify(execFile);

export const WORKSPACE = resolve(import.meta.dirname, '../../../..');

/** The published packages, by folder under packages/. A new published package is added here. */
export const PUBLISHED = ['protocol', 'sdk-core', 'reference-server', 'elements', 'react'] as const;
export type PublishedPackage = (typeof PUBLISHED)[number];

/** Outside the workspace on purpose: nothing may resolve through the workspace's node_modules. */
const CACHE = join(tmpdir(), 'synapse-packaging');

export interface PackedPackages {
  /** Absolute path of each package's tarball, by folder name. */
  tarballs: Record<PublishedPackage, string>;
}

const DAY = 24 * 60 * 60_000;

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Every file `npm pack` may take from a package: its manifest, docs, dist/ and src/. */
function packageFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (sub: string) => {
    const abs = join(dir, sub);
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('dist');
  walk('src');
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'custom-elements.json']) {
    if (existsSync(join(dir, f))) files.push(f);
  }
  return files.sort();
}

function contentHash(): string {
  const hash = createHash('sha256');
  for (const name of PUBLISHED) {
    const dir = join(WORKSPACE, 'packages', name);
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: run \`npm run build\` first`);
    }
    for (const file of packageFiles(dir)) {
      hash
        .update(`${name}/${file}\0`)
        .update(readFileSync(join(dir, file)))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Packs the built packages with `npm pack`, once per content: test files of one run (and later
 * runs while nothing changed) share the tarballs. Needs `npm run build` first.
 */
export async function packPackages(): Promise<PackedPackages> {
  pruneUnused(join(CACHE, 'packs'), DAY);
  const dir = join(CACHE, 'packs', contentHash());
  await withLock(dir, async () => {
    for (const name of PUBLISHED) {
      await run('npm', ['pack', '--silent', '--pack-destination', dir], {
        cwd: join(WORKSPACE, 'packages', name),
      });
    }
  });
  const found = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const tarballs = Object.fromEntries(
    PUBLISHED.map((name) => {
      const file = found.find((f) => f.startsWith(`synapse-calling-${name}-`));
      if (!file) throw new Error(`npm pack left no tarball for ${name} in ${dir}`);
      return [name, join(dir, file)];
    }),
  ) as Record<PublishedPackage, string>;
  return { tarballs };
}

export interface ConsumerProject {
  /** The project's folder, under the OS temp dir. */
  dir: string;
  /** What `npm install` printed for this project (warnings such as EBADENGINE show here). */
  installOutput: string;
  /** Runs a command in the project and resolves with its output; rejects on a non-zero exit. */
  exec(file: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Removes the project. */
  remove(): void;
}

export interface ConsumerOptions {
  /** Third-party packages the consumer itself depends on, e.g. `{ express: '^5' }`. */
  dependencies?: Record<string, string>;
}

const npmInstall = (cwd: string, specs: string[]) =>
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'warn', ...specs],
    { cwd, maxBuffer: 16 * 1024 * 1024 },
  );

/**
 * A fresh project under the OS temp dir with the tarballs and `dependencies` installed by
 * `npm install` (from the npm cache where it can). The first install of a set of third-party
 * dependencies compiles better-sqlite3 (minutes here); it is kept as a template, so a project
 * whose tarballs changed but whose dependencies did not only swaps our packages (seconds).
 */
export async function consumerProject(
  packed: PackedPackages,
  options: ConsumerOptions = {},
): Promise<ConsumerProject> {
  const dependencies = options.dependencies ?? {};
  const specs = [
    ...Object.values(packed.tarballs),
    ...Object.entries(dependencies).map(([n, v]) => `${n}@${v}`),
  ];
  pruneUnused(join(CACHE, 'templates'), 7 * DAY);
  const template = join(CACHE, 'templates', templateKey(dependencies));
  await withLock(template, async () => {
    writeProjectFiles(template);
    await npmInstall(template, specs);
  });

  const dir = mkdtempSync(join(tmpdir(), 'synapse-consumer-'));
  for (const entry of ['package.json', 'package-lock.json', '.npmrc', 'node_modules']) {
    cpSync(join(template, entry), join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  const { stdout, stderr } = await npmInstall(dir, specs);
  return {
    dir,
    installOutput: `${stdout}${stderr}`,
    exec: (file, args) => run(file, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Same third-party dependencies (and Node, npm) → same template. */
function templateKey(dependencies: Record<string, string>): string {
  const manifests = PUBLISHED.map((name) => {
    const pkg = JSON.parse(
      readFileSync(join(WORKSPACE, 'packages', name, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    return [pkg.dependencies, pkg.peerDependencies];
  });
  // The npm that installs decides the tree, and Node the native build of better-sqlite3.
  const npm = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  return sha(JSON.stringify([process.version, npm, manifests, dependencies]));
}

function writeProjectFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'synapse-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  // The project's install settings (node-gyp's headers for better-sqlite3) apply here too.
  cpSync(join(WORKSPACE, '.npmrc'), join(dir, '.npmrc'));
}
