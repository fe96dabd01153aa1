import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEMO_SCRIPT = resolve(import.meta.dirname, '../../../../examples/demo.mjs');

export interface RunningDemo {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the demo (examples/demo.mjs, what `npm run demo` runs after building) on a free port
 * with its own data dir, and resolves once its banner names the URL. Needs the packages built.
 */
export async function startDemo(env: Record<string, string> = {}): Promise<RunningDemo> {
  const child = spawn(process.execPath, [DEMO_SCRIPT], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SYNAPSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'synapse-demo-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((done, fail) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      const match = /Sign in:\s+(http:\/\/\S+?)\/\s/.exec(log);
      if (match) done(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`demo exited with ${code}:\n${log}`)));
  });
  return {
    url,
    process: child,
    output: () => log,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the demo expecting it to refuse to start; resolves with its exit code and output. */
export function demoExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [DEMO_SCRIPT], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}
