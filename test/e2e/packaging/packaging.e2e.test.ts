import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PUBLISHED,
  WORKSPACE,
  type ConsumerProject,
} from '@synapse-calling/test-utils/packaging/packed';
import { spawnListening, type ListeningChild } from '@synapse-calling/test-utils/packaging/child';
import { installConsumer, typeCheck } from './consumer-project';

// What an integrator gets from npm: the packed tarballs installed into a project outside the
// workspace, nothing resolved through the workspace's node_modules. Needs `npm run build`.
// (react.e2e.test.ts runs the React consumer in the same kind of project, in parallel.)
let project: ConsumerProject;

beforeAll(async () => {
  project = await installConsumer();
}, 15 * 60_000);

afterAll(() => project?.remove());

const installed = (name: string) => join(project.dir, 'node_modules/@synapse-calling', name);

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('what the tarballs ship', () => {
  it('no tests or test fixtures, no source maps carrying the sources, no map for the one-file bundle', () => {
    for (const name of PUBLISHED) {
      const files = filesUnder(installed(name));
      expect(
        files.filter((f) => /\.test\.tsx?$|(^|\/)testing\//.test(f)),
        name,
      ).toEqual([]);
      for (const map of files.filter((f) => f.endsWith('.map'))) {
        const parsed = JSON.parse(readFileSync(join(installed(name), map), 'utf8'));
        expect(parsed.sourcesContent, `${name}/${map}`).toBeUndefined();
      }
    }
    const elements = filesUnder(installed('elements'));
    expect(elements).toContain('dist/synapse-elements.js');
    expect(elements.filter((f) => /synapse-elements\.js\.map$|chunks\/.*\.map$/.test(f))).toEqual(
      [],
    );
  });

  it('installs on Node 20 without engine warnings, and without the optional peers', () => {
    expect(project.installOutput).not.toMatch(/EBADENGINE/);
    for (const peer of ['ioredis', 'livekit-server-sdk', '@socket.io/redis-adapter', 'pg']) {
      expect(existsSync(join(project.dir, 'node_modules', peer)), peer).toBe(false);
    }
  });
});

describe('TypeScript consumers, without skipLibCheck', () => {
  const checks = {
    bundler: "moduleResolution bundler (with the React consumer's TSX and the elements' JSX)",
    node16: 'moduleResolution node16 (ESM, CJS and TSX files)',
    docs: "the docs' snippet files (bundler)",
  };
  for (const [config, what] of Object.entries(checks)) {
    it(`type-check: ${what}`, async () => {
      expect(await typeCheck(project, `tsconfig.${config}.json`)).toBe('');
    }, 180_000);
  }
});

describe('the server without its optional peers', () => {
  it('runs P2P on one node (ESM and CJS) and names the package a setting needs', async () => {
    const { stdout } = await project.exec(process.execPath, ['optional-peers.mjs']);
    const result = JSON.parse(/^result: (.*)$/m.exec(stdout)?.[1] ?? '{}');
    expect(result.p2p).toBe('started');
    expect(result.cjs).toBe('function');
    expect(result.redis).toMatchObject({ missing: true, packageName: 'ioredis' });
    expect(result.redis.message).toContain('npm install ioredis');
    expect(result.livekit).toMatchObject({ missing: true, packageName: 'livekit-server-sdk' });
    expect(result.database).toMatchObject({ missing: true, packageName: 'pg' });
    expect(result.database.message).toContain('the database setting needs the package pg');
  });
});

describe('examples/getting-started, run from the installed packages', () => {
  let server: ListeningChild;

  beforeAll(async () => {
    cpSync(join(WORKSPACE, 'examples/getting-started'), project.dir, { recursive: true });
    server = await spawnListening(process.execPath, ['server.mjs'], {
      cwd: project.dir,
      env: { PORT: '0', SYNAPSE_JWT_SECRET: 'a'.repeat(16) + 'b'.repeat(16) },
      ready: /listening on (http:\/\/\S+)/,
    });
  });
  afterAll(() => server?.stop());

  it('serves the page, the bundle with its chunks, and a token', async () => {
    expect((await fetch(`${server.url}/page.html`)).status).toBe(200);
    const bundle = await fetch(`${server.url}/elements/synapse-elements.js`);
    expect(bundle.status).toBe(200);
    const chunk = (await bundle.text()).match(/chunks\/[\w.-]+\.js/)?.[0];
    expect(chunk).toBeDefined();
    expect((await fetch(`${server.url}/elements/${chunk}`)).status).toBe(200);
    const { token } = await (await fetch(`${server.url}/synapse/token?as=carol`)).json();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('answers 404 for its own code, node_modules, the call log and the project files', async () => {
    // The call log is opened at start: a 404 below means "not served", not "missing".
    expect(existsSync(join(project.dir, 'data/synapse.sqlite'))).toBe(true);
    for (const path of [
      '/server.mjs',
      '/package.json',
      '/.npmrc',
      '/node_modules/express/package.json',
      '/node_modules/@synapse-calling/reference-server/package.json',
      '/data/synapse.sqlite',
      '/data/synapse.sqlite-wal',
      '/public/page.html',
      '/elements/../package.json',
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    // Linux routes all of 127/8 to loopback: a wildcard bind would answer on 127.0.0.2 too.
    const { port } = new URL(server.url);
    await expect(fetch(`http://127.0.0.2:${port}/page.html`)).rejects.toThrow();
  });
});

describe('the standalone server, started as server.md and deployment.md say', () => {
  // The commands as written, with their absolute paths and fixed port pointed at temporary ones.
  for (const file of [
    'examples/docs/server/standalone.sh',
    'examples/docs/deployment/one-server.sh',
  ]) {
    it(
      file,
      async () => {
        const tmp = mkdtempSync(join(tmpdir(), 'synapse-standalone-'));
        writeFileSync(join(tmp, 'jwt-secret'), 'j'.repeat(40));
        const script = readFileSync(join(WORKSPACE, file), 'utf8')
          .replaceAll('/var/lib/synapse', join(tmp, 'data'))
          .replaceAll('/etc/synapse/jwt-secret', join(tmp, 'jwt-secret'))
          .replace(/^PORT=\d+/m, 'PORT=0');
        writeFileSync(join(tmp, 'run.sh'), script);
        const server = await spawnListening('bash', [join(tmp, 'run.sh')], {
          cwd: project.dir,
          env: { PORT: '0', HOST: '127.0.0.1' },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        try {
          expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
          expect(existsSync(join(tmp, 'data/synapse.sqlite'))).toBe(true);
        } finally {
          await server.stop();
          rmSync(tmp, { recursive: true, force: true });
        }
      },
      60_000,
    );
  }
});
