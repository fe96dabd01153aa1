#!/usr/bin/env node
// Measures what sdk-core costs a page, minified and gzipped:
//  1. sdk-core's own code (socket.io-client and livekit-client left out);
//  2. what a page with only presence dots and call buttons downloads up front (sdk-core +
//     socket.io-client; livekit-client is split into a lazy chunk by the dynamic import);
//  3. that lazy livekit-client chunk, fetched when the first call connects;
//  4. the lazy Web Push / notifications chunk, fetched only by pages that opt in.
// Usage: node packages/sdk-core/scripts/size.mjs   (prints a Markdown table)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const index = join(root, 'src/index.ts');
const dir = await mkdtemp(join(tmpdir(), 'sdk-size-'));

const common = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: true,
  metafile: true,
  logLevel: 'silent',
};

const gz = async (file) => gzipSync(await readFile(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

try {
  // 1. Own code only: everything from node_modules stays external.
  const own = await build({
    ...common,
    entryPoints: [index],
    outdir: join(dir, 'own'),
    splitting: true,
    external: ['socket.io-client', 'livekit-client'],
  });
  const ownFile = Object.entries(own.metafile.outputs).find(
    ([f, out]) => f.endsWith('.js') && out.entryPoint,
  )?.[0];
  const isPush = (out) => Object.keys(out.inputs).some((i) => i.endsWith('push/push-impl.ts'));

  // 2 + 3. A page that only shows presence and call buttons.
  const page = join(dir, 'page.ts');
  await writeFile(
    page,
    `import { createClient } from ${JSON.stringify(index)};
const client = createClient({ url: location.origin, tokenProvider: async () => 'token' });
client.presence.watch(['ann'], (p) => console.log(p.status));
document.querySelector('button')?.addEventListener('click', () => void client.call('ann'));
void client.connect();
`,
  );
  const split = await build({
    ...common,
    entryPoints: [page],
    outdir: join(dir, 'page'),
    splitting: true,
  });
  let upfront = 0;
  let lazy = 0;
  let push = 0;
  for (const [file, out] of Object.entries(split.metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const size = await gz(file);
    const isLiveKit = Object.keys(out.inputs).some((i) =>
      i.includes('node_modules/livekit-client/'),
    );
    if (isLiveKit) lazy += size;
    else if (isPush(out)) push += size;
    else upfront += size;
  }

  console.log('| what | min + gzip |');
  console.log('|---|---|');
  console.log(`| sdk-core's own code (no dependencies) | ${kb(await gz(ownFile))} |`);
  console.log(
    `| page with presence + call buttons, loaded up front (sdk-core + socket.io-client) | ${kb(upfront)} |`,
  );
  console.log(
    `| livekit-client chunk, loaded when the first LiveKit call connects | ${kb(lazy)} |`,
  );
  console.log(
    `| Web Push / notifications chunk, loaded when the page uses \`client.push\` or \`client.notifications\` | ${kb(push)} |`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
