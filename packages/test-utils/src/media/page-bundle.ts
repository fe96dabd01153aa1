import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build, type Metafile } from 'esbuild';

export interface PageBundle {
  /** `http://127.0.0.1:port`: `/` loads the bundled entry as a module. */
  origin: string;
  /** Each output file's path as the page requests it, with the inputs it holds. */
  outputs: Array<{ path: string; inputs: string[] }>;
  close(): Promise<void>;
}

/**
 * Bundles a page script the way an app would bundle the SDK (esbuild, code splitting on, so
 * lazy imports land in their own chunks) and serves it on 127.0.0.1 (a secure context, so
 * `navigator.mediaDevices` exists).
 */
export async function servePageBundle(entry: string): Promise<PageBundle> {
  const outdir = await mkdtemp(join(tmpdir(), 'synapse-e2e-'));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  const script = `/${relative(outdir, resolve(outputOf(result.metafile, entry)))}`;
  const http = createServer(async (req, res) => {
    const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
    if (path === '/index.html') {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>e2e</title><script type="module" src="${script}"></script>`);
      return;
    }
    try {
      const body = await readFile(join(outdir, path.replace(/^\/+/, '')));
      res.setHeader('content-type', extname(path) === '.js' ? 'text/javascript' : 'text/plain');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    outputs: Object.entries(result.metafile.outputs).map(([file, out]) => ({
      path: `/${relative(outdir, resolve(file))}`,
      inputs: Object.keys(out.inputs),
    })),
    async close() {
      await new Promise((r) => http.close(r));
      await rm(outdir, { recursive: true, force: true });
    },
  };
}

function outputOf(metafile: Metafile, entry: string): string {
  const name = entry.split('/').at(-1)?.replace(/\.ts$/, '');
  const found = Object.entries(metafile.outputs).find(
    ([file, out]) => out.entryPoint && file.endsWith(`/${name}.js`),
  );
  if (!found) throw new Error(`no output for ${entry}`);
  return found[0];
}
