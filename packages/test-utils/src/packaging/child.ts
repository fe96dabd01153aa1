import { spawn, type ChildProcess } from 'node:child_process';

export interface ListeningChild {
  /** The URL the process printed. */
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Spawns a server process and resolves once its output matches `ready` (whose first group is the
 * URL); rejects with the output if it exits first.
 */
export async function spawnListening(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; ready: RegExp },
): Promise<ListeningChild> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() also ends what a shell script started (npx → node).
    detached: true,
  });
  let log = '';
  const url = await new Promise<string>((done, fail) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      const match = options.ready.exec(log);
      if (match?.[1]) done(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited ${code}:\n${log}`)));
  });
  return {
    url,
    child,
    output: () => log,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM'); // the group is gone already; the exit event is on its way
        }
      }),
  };
}
