/**
 * nginx from Debian (installed by scripts/ensure-test-deps.sh) in front of test nodes, with the
 * very config docs/deployment.md shows (`examples/docs/deployment/nginx.conf`): only its
 * upstream servers and its `listen` line are replaced by the test's loopback addresses.
 *
 * ```ts
 * const lb = await startNginx(['127.0.0.1:4001', '127.0.0.1:4002', '127.0.0.1:4003']);
 * const alice = await connectClient(lb.url, token);   // some node, through nginx
 * await lb.stop();
 * ```
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxMainConfig, nginxSiteConfig } from '../../../../examples/cluster/nginx-config.mjs';
import { freePort, waitFor } from './ports';

export { NGINX_CONFIG, nginxSiteConfig } from '../../../../examples/cluster/nginx-config.mjs';

export interface TestNginx {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** The last few KB nginx wrote to its error log (stderr): upstream failures, for diagnosis. */
  errors(): string;
  /** Graceful stop (SIGQUIT), then the prefix dir is removed. Idempotent. */
  stop(): Promise<void>;
}

function nginxBinary(): string {
  for (const bin of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(bin)) return bin;
  throw new Error('nginx is not installed (scripts/ensure-test-deps.sh installs it)');
}

export async function startNginx(upstreams: string[]): Promise<TestNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'synapse-nginx-'));
  const port = await freePort();
  mkdirSync(join(prefix, 'tmp'));
  writeFileSync(join(prefix, 'synapse.conf'), nginxSiteConfig(upstreams, port));
  // What Debian's /etc/nginx/nginx.conf would give, inside the temp dir and in the foreground.
  writeFileSync(join(prefix, 'nginx.conf'), nginxMainConfig(prefix, join(prefix, 'synapse.conf')));
  const child = spawn(
    nginxBinary(),
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-65536)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(prefix, { recursive: true, force: true });
    })());
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(stderr);
        // Any answer means nginx listens (the upstreams may not be up yet: 502).
        return fetch(`${url}/healthz`).then(() => true);
      },
      { timeoutMs: 10_000, what: `nginx on port ${port}` },
    );
  } catch (err) {
    await stop();
    throw new Error(`nginx did not start: ${stderr.trim()}`, { cause: err });
  }
  return { url, port, stop, errors: () => stderr };
}
