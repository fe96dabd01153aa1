/**
 * Linux network namespaces for the network tests: each one a host of its own (interfaces,
 * addresses, routes, nftables rules), joined by veth pairs. Needs root, iproute2 and nftables
 * (scripts/ensure-test-deps.sh installs them).
 *
 * Names are unique per run (`synnet-<pid>-<n>-<role>`), so test files in parallel and runs on the
 * same machine never meet. Everything a process creates is deleted by `deleteNamespace`, by the
 * process's exit (even when a test failed or timed out), and — for a run that was killed — by
 * the next run's `sweepStaleNamespaces`, which recognises them by the dead pid in their name.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';

export const NETNS_PREFIX = 'synnet';

/** A namespace operation failed; the message carries the command and what it printed. */
export class NetnsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetnsError';
  }
}

/** Runs a command to completion; resolves with its stdout, rejects with its stderr. */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new NetnsError(`${cmd} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export interface Namespace {
  name: string;
  /** Runs `cmd` inside the namespace to completion (`ip netns exec`). */
  exec(cmd: string, args: string[], input?: string): Promise<string>;
  /** `ip … ` with `-n <name>`. */
  ip(...args: string[]): Promise<string>;
  /** Loads an nftables script (`nft -f -`) inside the namespace. */
  nft(script: string): Promise<string>;
  /** Starts a long-running process inside the namespace; stopped when the namespace goes. */
  spawn(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
}

const owned = new Map<string, Set<ChildProcess>>();
let counter = 0;
let exitHookInstalled = false;

/** Stops and deletes everything this process still owns. Synchronous: runs at `exit`. */
function cleanUpSync(): void {
  for (const [name, children] of owned) {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
  owned.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', cleanUpSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Clean up, then die of the same signal as if nobody had listened.
    process.once(signal, () => {
      cleanUpSync();
      process.kill(process.pid, signal);
    });
  }
}

/** Creates a namespace with its loopback up and IPv6 off (the rig speaks IPv4 only). */
export async function addNamespace(role: string): Promise<Namespace> {
  installExitHook();
  const name = `${NETNS_PREFIX}-${process.pid}-${++counter}-${role}`;
  await run('ip', ['netns', 'add', name]);
  const children = new Set<ChildProcess>();
  owned.set(name, children);
  const ns: Namespace = {
    name,
    exec: (cmd, args, input) => run('ip', ['netns', 'exec', name, cmd, ...args], input),
    ip: (...args) => run('ip', ['-n', name, ...args]),
    nft: (script) => run('ip', ['netns', 'exec', name, 'nft', '-f', '-'], script),
    spawn(cmd, args, env) {
      const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], {
        env: env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
  };
  await ns.ip('link', 'set', 'lo', 'up');
  await ns.exec('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
  return ns;
}

/** A veth pair from `a` (interface `aIf`, address `aAddr` with prefix) to `b`. */
export async function link(
  a: Namespace,
  aIf: string,
  aAddr: string,
  b: Namespace,
  bIf: string,
  bAddr: string,
): Promise<void> {
  // Created directly inside both namespaces, so the names need only be unique in each of them.
  await run(
    'ip',
    ['link', 'add', 'name', aIf, 'netns', a.name, 'type', 'veth'].concat([
      'peer',
      'name',
      bIf,
      'netns',
      b.name,
    ]),
  );
  for (const [ns, ifname, addr] of [
    [a, aIf, aAddr],
    [b, bIf, bAddr],
  ] as const) {
    await ns.ip('addr', 'add', addr, 'dev', ifname);
    await ns.ip('link', 'set', ifname, 'up');
  }
}

/** Stops what runs inside `ns` (SIGTERM, then SIGKILL after 3 s) and deletes it. */
export async function deleteNamespace(ns: Namespace): Promise<void> {
  const children = owned.get(ns.name) ?? new Set();
  await Promise.all([...children].map((child) => stopChild(child)));
  await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
  owned.delete(ns.name);
}

export function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Deletes namespaces left behind by runs that were killed before they could clean up (their
 * pid is gone), stopping what still runs inside them: those processes were started there by
 * this rig, nothing else uses these names.
 */
export async function sweepStaleNamespaces(): Promise<void> {
  const list = await run('ip', ['netns', 'list']).catch(() => '');
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0];
    const pid = Number(new RegExp(`^${NETNS_PREFIX}-(\\d+)-`).exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    const pids = await run('ip', ['netns', 'pids', name]).catch(() => '');
    for (const p of pids.split('\n').map(Number).filter(Boolean)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let support: Promise<string | null> | undefined;

/**
 * Why network namespaces cannot be made here, or null when they can (checked once per
 * process by really making one; the reason is printed, as the files skip their tests on it).
 * Under `CI=true` a missing capability is a failure, never a skip: CI must run the network
 * suite.
 */
export function netnsUnavailable(): Promise<string | null> {
  support ??= (async () => {
    const reason = await whyUnavailable();
    if (reason && process.env.CI === 'true') {
      throw new NetnsError(`${reason} (CI=true: the network suite must run)`);
    }
    if (reason) console.warn(`[network tests] skipped: ${reason}`);
    return reason;
  })();
  return support;
}

async function whyUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const missing: string[] = [];
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['nft', 'nftables'],
    ['turnserver', 'coturn'],
  ] as const) {
    if (!(await run('sh', ['-c', `command -v ${tool}`]).catch(() => ''))) missing.push(pkg);
  }
  if (missing.length) return `${missing.join(', ')} missing: \`npm run test:deps\` installs them`;
  try {
    const probe = await addNamespace('probe');
    await deleteNamespace(probe);
    await sweepStaleNamespaces();
    return null;
  } catch (err) {
    return `cannot create network namespaces here: ${(err as Error).message.trim()}`;
  }
}
