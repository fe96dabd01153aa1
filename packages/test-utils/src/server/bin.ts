/**
 * The `synapse-server` bin as users run it: `packages/reference-server/dist/cli.js` (built by
 * `npm run build`) in its own process, configured only by the environment it is given.
 *
 * ```ts
 * const bin = await startSynapseBin({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET });   // listening
 * const alice = await connectClient(bin.url, await mintTestToken(agent('alice')));
 * await bin.stop();
 *
 * const bins = useSynapseBin();                 // processes of a test file, stopped after it
 * const proc = bins.run({ SYNAPSE_JWT_SECRET: 'short' });
 * expect(await proc.exited).toBe(2);            // a start that must fail
 * proc.child.kill('SIGKILL');                   // or a crash
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { stopper } from './child';

/**
 * The built bin; tests of it need `npm run build` first (as the demo's end-to-end tests do).
 * `SYNAPSE_TEST_BIN` points them at another build, e.g. an older commit's, to compare the two.
 */
export const SYNAPSE_BIN =
  process.env.SYNAPSE_TEST_BIN ??
  fileURLToPath(new URL('../../../reference-server/dist/cli.js', import.meta.url));

/** A started bin process, listening or not. */
export interface BinProcess {
  child: ChildProcess;
  /** Exit code, or null when killed by a signal. */
  exited: Promise<number | null>;
  /** What it wrote to stdout / stderr so far, and both together. */
  out(): string;
  err(): string;
  output(): string;
  /** Resolves with the URL of its `listening` log line; rejects if it exits or times out first. */
  listening(timeoutMs?: number): Promise<string>;
  /** Resident set size of the process, in KB (from /proc). */
  rssKb(): number;
  /** SIGTERM, then waits for the exit and removes the data dir it was given. Idempotent. */
  stop(): Promise<void>;
}

/** A bin that is listening. */
export interface SynapseBin extends BinProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  pid: number;
}

/**
 * Starts the bin with exactly `env` plus `PATH`, a free loopback port (`PORT=0`,
 * `HOST=127.0.0.1`) and a fresh data dir unless `env` sets them; nothing else of the test's
 * environment leaks in.
 */
export function spawnSynapseBin(env: Record<string, string>): BinProcess {
  checkBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-bin-'));
  const child = spawn(process.execPath, [SYNAPSE_BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      SYNAPSE_DATA_DIR: dataDir,
      ...env,
    },
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let both = '';
  child.stdout?.on('data', (d: Buffer) => ((stdout += d.toString()), (both += d.toString())));
  child.stderr?.on('data', (d: Buffer) => ((stderr += d.toString()), (both += d.toString())));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const listening = (timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = /"url":"(http:[^"]+)"/.exec(stdout);
        if (!match?.[1]) return;
        cleanup();
        resolve(match[1]);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`synapse-server did not start:\n${both}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`synapse-server exited with ${code}:\n${both}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', check);
      child.once('exit', onExit);
      check();
    });

  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    output: () => both,
    listening,
    rssKb: () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]),
    stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })),
  };
}

/** Starts the bin (see `spawnSynapseBin`) and resolves once it listens. */
export async function startSynapseBin(env: Record<string, string>): Promise<SynapseBin> {
  const proc = spawnSynapseBin(env);
  try {
    const url = await proc.listening();
    return { ...proc, url, pid: proc.child.pid as number };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** Bin processes for a test file: every process started with `run` is stopped after its tests. */
export function useSynapseBin(): { run(env: Record<string, string>): BinProcess } {
  const started: BinProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((proc) => proc.stop()));
  });
  return {
    run(env) {
      const proc = spawnSynapseBin(env);
      started.push(proc);
      return proc;
    },
  };
}

/** Testing yesterday's build against today's sources would prove nothing. */
function checkBuilt(): void {
  if (!existsSync(SYNAPSE_BIN)) {
    throw new Error(`${SYNAPSE_BIN} is missing: run \`npm run build\` first`);
  }
  if (process.env.SYNAPSE_TEST_BIN) return;
  const stale = newerSource(statSync(SYNAPSE_BIN).mtimeMs);
  if (stale) throw new Error(`${stale} is newer than ${SYNAPSE_BIN}: run \`npm run build\``);
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
