/**
 * The `synapse-server` bin as users run it: `packages/reference-server/dist/cli.js` (built by
 * `npm run build`) in its own process, configured only by the environment it is given.
 *
 * ```ts
 * const bin = await startSynapseBin({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET });
 * const alice = await connectClient(bin.url, await mintTestToken(agent('alice')));
 * await bin.stop();
 * ```
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopper } from './child';

/**
 * The built bin; tests of it need `npm run build` first (as the demo's end-to-end tests do).
 * `SYNAPSE_TEST_BIN` points them at another build, e.g. an older commit's, to compare the two.
 */
export const SYNAPSE_BIN =
  process.env.SYNAPSE_TEST_BIN ??
  fileURLToPath(new URL('../../../reference-server/dist/cli.js', import.meta.url));

export interface SynapseBin {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  pid: number;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resident set size of the process, in KB (from /proc). */
  rssKb(): number;
  /** SIGTERM, then waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the bin on a free loopback port with a fresh data dir and exactly `env` (plus `PATH`,
 * `PORT`, `HOST` and `SYNAPSE_DATA_DIR`; nothing else of the test's environment leaks in).
 */
export async function startSynapseBin(env: Record<string, string>): Promise<SynapseBin> {
  if (!existsSync(SYNAPSE_BIN)) {
    throw new Error(`${SYNAPSE_BIN} is missing: run \`npm run build\` first`);
  }
  if (!process.env.SYNAPSE_TEST_BIN) {
    const stale = newerSource(statSync(SYNAPSE_BIN).mtimeMs);
    // Testing yesterday's build against today's sources would prove nothing.
    if (stale) throw new Error(`${stale} is newer than ${SYNAPSE_BIN}: run \`npm run build\``);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-bin-'));
  const child = spawn(process.execPath, [SYNAPSE_BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      SYNAPSE_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const stop = stopper(child, () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "listening" line after 20 s')), 20_000);
      const look = () => {
        const match = /"url":"(http:[^"]+)"/.exec(output);
        if (!match?.[1]) return;
        clearTimeout(timer);
        resolve(match[1]);
      };
      child.stdout.on('data', look);
      child.once('exit', () => reject(new Error('synapse-server exited')));
    });
    return {
      url,
      pid: child.pid as number,
      output: () => output,
      rssKb: () =>
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]),
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`synapse-server did not start: ${output.trim()}`, { cause: err });
  }
}

/** A source file of the bin (tests aside) changed after `builtAt`, if any. */
function newerSource(builtAt: number): string | undefined {
  for (const pkg of ['reference-server', 'protocol']) {
    const src = fileURLToPath(new URL(`../../../${pkg}/src/`, import.meta.url));
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      if (statSync(join(src, file)).mtimeMs > builtAt) return join(src, file);
    }
  }
  return undefined;
}
