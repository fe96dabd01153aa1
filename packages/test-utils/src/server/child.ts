import type { ChildProcess } from 'node:child_process';

/**
 * `stop()` for a child process the tests started: SIGTERM unless it already exited, wait for the
 * exit, then `cleanup`. Idempotent: every call shares the first one's promise.
 */
export function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      cleanup?.();
    })());
}
