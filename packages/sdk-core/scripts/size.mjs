#!/usr/bin/env node
// Measures what sdk-core costs a page, minified and gzipped:
//  1. sdk-core's own code (socket.io-client and livekit-client left out);
//  2. what a page with only presence dots and call buttons downloads up front (sdk-core +
//     socket.io-client; livekit-client is split into a lazy chunk by the dynamic import);
//  3. that lazy livekit-client chunk, fetched when the first call connects;
//  4. the lazy chunks fetched only when needed: Web Push / notifications (pages that opt in) and
//     the P2P recorder (the browser that records a P2P call), video (camera, screen share), and a
//     warm transfer's consultation (the transferring agent's second media session);
//  5. what video adds to the page up front: the page minus the same page built with the video
//     modules it loads up front replaced by empty stand-ins (video-stand-ins.mjs).
// Usage: node packages/sdk-core/scripts/size.mjs   (prints a Markdown table; `--json` prints the
// byte counts instead, for the bench and the budget check)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { videoStandIns } from './video-stand-ins.mjs';

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
    external: ['socket.io-client', 'livekit-client'],
    // Lazy chunks stay out of the own-code figure, as they stay out of a page's first load.
    splitting: true,
    outfile: undefined,
    outdir: join(dir, 'own'),
  });
  const ownFile = Object.entries(own.metafile.outputs).find(
    ([f, out]) => f.endsWith('.js') && out.entryPoint,
  )?.[0];

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
  // 5. The same page without video's up-front modules; only its first-load file counts.
  const bare = await build({
    ...common,
    entryPoints: [page],
    outdir: join(dir, 'bare'),
    splitting: true,
    plugins: [videoStandIns],
  });
  const pageFile = (result) =>
    gz(Object.keys(result.metafile.outputs).find((f) => f.endsWith('/page.js')));
  const videoUpfront = (await pageFile(split)) - (await pageFile(bare));

  let upfront = 0;
  let lazy = 0;
  let push = 0;
  let recorder = 0;
  let video = 0;
  let consult = 0;
  for (const [file, out] of Object.entries(split.metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const size = await gz(file);
    const inputs = Object.keys(out.inputs);
    if (inputs.some((i) => i.includes('node_modules/livekit-client/'))) lazy += size;
    else if (inputs.some((i) => i.endsWith('push/push-impl.ts'))) push += size;
    else if (inputs.some((i) => i.includes('src/recording/p2p-recorder'))) recorder += size;
    else if (inputs.some((i) => /src\/media\/video\/(video-controller|caller-lines)/.test(i)))
      video += size;
    else if (inputs.some((i) => i.endsWith('src/media/consult-link.ts'))) consult += size;
    else upfront += size;
  }

  if (process.argv.includes('--json')) {
    const ownSize = await gz(ownFile);
    console.log(
      JSON.stringify({
        own: ownSize,
        upfront,
        livekit: lazy,
        push,
        recorder,
        video,
        videoUpfront,
        consult,
      }),
    );
  } else
    await printTable(
      await gz(ownFile),
      upfront,
      lazy,
      push,
      recorder,
      video,
      videoUpfront,
      consult,
    );
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function printTable(ownSize, upfront, lazy, push, recorder, video, videoUpfront, consult) {
  console.log('| what | min + gzip |');
  console.log('|---|---|');
  console.log(`| sdk-core's own code (no dependencies) | ${kb(ownSize)} |`);
  console.log(
    `| page with presence + call buttons, loaded up front (sdk-core + socket.io-client) | ${kb(upfront)} |`,
  );
  console.log(
    `| livekit-client chunk, loaded when the first LiveKit call connects | ${kb(lazy)} |`,
  );
  console.log(
    `| Web Push / notifications chunk, loaded when the page uses \`client.push\` or \`client.notifications\` | ${kb(push)} |`,
  );
  console.log(`| P2P recorder chunk, loaded by the browser that records | ${kb(recorder)} |`);
  console.log(
    `| video chunk, loaded when this user first turns on a camera or shares a screen | ${kb(video)} |`,
  );
  console.log(
    `| video up front (part of the page above; issue 15: at most 1 KiB) | ${videoUpfront} B |`,
    `| warm transfer consultation chunk, loaded by the agent whose transfer is answered | ${kb(consult)} |`,
  );
}
