/**
 * `npm run demo:cluster` as users run it (after its install and build steps): the script
 * examples/demo-cluster.mjs, in its own process, with nginx on a free port. Resolves once its
 * banner says everything runs; `processes()` lists every process it started, their children
 * included (PostgreSQL's backends, nginx's worker), so a test can check that Ctrl-C ended them all.
 *
 * ```ts
 * const demo = await startDemoCluster();
 * await fetch(`${demo.url}/demo/token?user=alice`);
 * const code = await demo.interrupt();          // SIGINT, as Ctrl-C
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEMO_CLUSTER_SCRIPT = resolve(
  import.meta.dirname,
  '../../../../examples/demo-cluster.mjs',
);

export interface RunningDemoCluster {
  /** nginx: the address users open. */
  url: string;
  /** The temp dir the banner names. */
  dir: string;
  process: ChildProcess;
  output(): string;
  /** Pids of every live descendant of the demo's process. */
  processes(): number[];
  /** SIGINT (Ctrl-C); resolves with the exit code once the demo exited. */
  interrupt(): Promise<number | null>;
}

/** The pids of `pid`'s live descendants, read from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command (which may hold spaces) in parentheses: state, ppid, …
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue;
    const list = parents.get(Number(ppid)) ?? [];
    list.push(Number(entry));
    parents.set(Number(ppid), list);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

export async function startDemoCluster(
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<RunningDemoCluster> {
  const child = spawn(process.execPath, [DEMO_CLUSTER_SCRIPT], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      fail(new Error(`demo:cluster did not start in ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (!log.includes('Press Ctrl+C to stop everything')) return;
      clearTimeout(timer);
      done();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`demo:cluster exited with ${code}:\n${log}`));
    });
  });
  const url = /Sign in:\s+(http:\/\/\S+?)\/\s/.exec(log)?.[1];
  const dir = /Files:\s+(\S+)/.exec(log)?.[1];
  if (!url || !dir) throw new Error(`demo:cluster banner without a URL or dir:\n${log}`);
  return {
    url,
    dir,
    process: child,
    output: () => log,
    processes: () => descendants(child.pid!),
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}
