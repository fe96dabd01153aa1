/**
 * The `synapse-server` bin as users run it: bundled from the sources (so no build is needed) and
 * started as a child process with nothing but the environment it is given.
 *
 * ```ts
 * const bin = useSynapseBin();                       // bundled once, processes stopped after
 * const proc = bin.run({ SYNAPSE_JWT_SECRET, PORT: '0', HOST: '127.0.0.1' });
 * const url = await proc.listening();
 * proc.child.kill('SIGKILL');                        // a crash
 * ```
 *
 * `bundleSynapseServer` and `runSynapseServer` do the same by hand (bundle, then start with an
 * environment; `bin.remove()` at the end).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';

export interface BundledBin {
  /** The bundled `cli.mjs`. */
  path: string;
  /** A scratch directory beside it (data dirs of the runs go here unless given). */
  dir: string;
  /** Deletes the bundle and the scratch directory. */
  remove(): void;
}

export interface BinProcess {
  child: ChildProcess;
  /** Exit code, or null when killed by a signal. */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** Resolves with the URL from the `listening` log line; rejects if the process exits first. */
  listening(timeoutMs?: number): Promise<string>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

const CLI_SOURCE = fileURLToPath(new URL('../../../reference-server/src/cli.ts', import.meta.url));

/** Bundles `cli.ts` (dependencies stay external) into node_modules/.cache, where they resolve. */
export async function bundleSynapseServer(): Promise<BundledBin> {
  const cache = fileURLToPath(new URL('../../../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'synapse-cli-'));
  const path = join(dir, 'cli.mjs');
  await build({
    entryPoints: [CLI_SOURCE],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return { path, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the bundled bin with `env` and PATH only (no inherited SYNAPSE_* settings), and a data
 * dir inside the bundle's scratch directory unless `env` names one.
 */
export function runSynapseServer(bin: BundledBin, env: Record<string, string>): BinProcess {
  const child = spawn(process.execPath, [bin.path], {
    env: { PATH: process.env.PATH ?? '', SYNAPSE_DATA_DIR: join(bin.dir, 'data'), ...env },
    cwd: bin.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
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
        reject(new Error(`synapse-server did not start:\n${stdout}${stderr}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`synapse-server exited with ${code}:\n${stdout}${stderr}`));
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
    listening,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The bin for a test file: bundled once before its tests; every process started with `run` is
 * stopped, and the bundle removed, after them.
 */
export function useSynapseBin(): { run(env: Record<string, string>): BinProcess } {
  let bin: BundledBin | undefined;
  const started: BinProcess[] = [];
  beforeAll(async () => {
    bin = await bundleSynapseServer();
  });
  afterAll(async () => {
    await Promise.all(started.map((proc) => proc.stop()));
    bin?.remove();
  });
  return {
    run(env) {
      if (!bin) throw new Error('the bin is bundled only for tests and their hooks');
      const proc = runSynapseServer(bin, env);
      started.push(proc);
      return proc;
    },
  };
}
