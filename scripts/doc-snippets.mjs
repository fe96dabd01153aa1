// Every code block in docs/ is a file that a test runs or type-checks, so that what readers copy
// works. A block preceded by `<!-- snippet: path -->` (or `path#name`: the lines between
// `#region name` and `#endregion name` in that file) must show that file verbatim, and CHECKS
// says how the file is checked. Data blocks — JSON wire examples, YAML config, diagrams without
// a language — show shapes, not programs, and need no file.
// `node scripts/doc-snippets.mjs --write` fills the blocks in; without --write it reports blocks
// that differ from their files or have none (the docs test runs the same check).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const DATA_LANGS = new Set(['json', 'yaml', '']);
const TYPECHECKED =
  'type-checked: `npm run typecheck` (examples/docs/tsconfig.json, sources) and test/e2e/packaging (the installed tarballs)';

/** How each snippet file is checked: run (executed) or type-checked. */
export const CHECKS = {
  'examples/getting-started/server.mjs':
    'run: test/e2e/docs/getting-started.e2e.test.ts (a call in Chromium) and test/e2e/packaging (from the tarballs, with the path-leak requests)',
  'examples/getting-started/public/page.html': 'run: test/e2e/docs/getting-started.e2e.test.ts',
  'examples/docs/sdk-core/quick-start.ts': TYPECHECKED,
  'examples/docs/sdk-core/snapshot-shape.ts': `${TYPECHECKED}; it also asserts the shapes equal the exported types`,
  'examples/docs/sdk-core/devices.ts': TYPECHECKED,
  'examples/docs/sdk-core/video.ts': TYPECHECKED,
  'examples/docs/sdk-core/types.ts': TYPECHECKED,
  'examples/docs/sdk-core/lines.ts': TYPECHECKED,
  'examples/docs/sdk-core/react.tsx': `run: test/e2e/docs/snippets.test.ts (rendered with react-dom/server); ${TYPECHECKED}`,
  'examples/docs/react/app.tsx': `run: test/e2e/docs/snippets.test.ts (rendered with react-dom/server); ${TYPECHECKED}`,
  'examples/docs/react/elements.tsx': `run: test/e2e/docs/snippets.test.ts (rendered with react-dom/server); ${TYPECHECKED}`,
  'examples/docs/react/client-component.tsx': TYPECHECKED,
  'examples/docs/server/library-mode.mjs': TYPECHECKED,
  'examples/docs/server/standalone.sh':
    'run: test/e2e/packaging (npx synapse-server from the tarballs)',
  'examples/docs/server/standalone-from-code.mjs': TYPECHECKED,
  'examples/docs/server/lines.mjs': TYPECHECKED,
  'examples/docs/server/call-event-shape.ts': `${TYPECHECKED}; it also asserts the shape equals the exported type`,
  'examples/docs/server/webhook-receiver.mjs':
    'run: test/e2e/docs/snippets.test.ts (signed, forged and stale deliveries); type-checked',
  'examples/docs/deployment/one-server.sh':
    'run: test/e2e/packaging (npx synapse-server from the tarballs)',
  'examples/docs/deployment/metrics-port.sh':
    'run: test/e2e/docs/snippets.test.ts (configFromEnv gives the metrics listener its port and host)',
  'examples/docs/deployment/nginx.conf':
    'run: test/e2e/cluster (nginx in front of three nodes: load balancing, rolling restart, a node crash)',
  'examples/docs/deployment/turn.sh':
    'run: test/e2e/docs/snippets.test.ts (configFromEnv accepts it and mints TURN credentials)',
  'examples/docs/deployment/turnserver.conf':
    "run: test/e2e/network (the rig's coturn starts from it, with its own addresses, ports and secret)",
  'examples/docs/development/network-commands.sh':
    'checked: test/e2e/docs/snippets.test.ts (every npm script and path exists)',
  'examples/docs/development/commands.sh':
    'checked: test/e2e/docs/snippets.test.ts (every npm script and path exists)',
  'examples/docs/development/e2e-commands.sh':
    'checked: test/e2e/docs/snippets.test.ts (every npm script and path exists)',
  'examples/docs/development/fuzz-hunt.sh':
    'checked: test/e2e/docs/snippets.test.ts (every npm script and path exists)',
  'examples/docs/elements/embed.html':
    'checked: test/e2e/docs/snippets.test.ts (the token URL is the one every guide uses)',
  'examples/docs/elements/bundler.ts': TYPECHECKED,
  'examples/docs/elements/theme.css':
    'checked: test/e2e/docs/snippets.test.ts (every part and custom property exists in custom-elements.json)',
  'examples/docs/elements/translation.ts': TYPECHECKED,
  'examples/docs/notifications/notify.html':
    'checked: test/e2e/docs/snippets.test.ts (its attributes exist in custom-elements.json; the token URL is the one every guide uses)',
  'examples/docs/notifications/hidden-tab.ts': TYPECHECKED,
  'examples/docs/notifications/ring-me-switch.ts': TYPECHECKED,
};

export const docFiles = () =>
  readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);

// A fence (possibly indented inside a list item), with the marker line that may precede it
// (Prettier puts a blank line between the two).
const BLOCK = /^(?:( *)<!-- snippet: (\S+) -->\n(\n?))?( *)```(\w*)\n([\s\S]*?)^\4```/gm;

/** The code blocks of a doc: language, line, the snippet file it shows (if any) and its body. */
export function blocksOf(docPath) {
  const text = readFileSync(join(root, docPath), 'utf8');
  return [...text.matchAll(BLOCK)].map((m) => ({
    line: text.slice(0, m.index).split('\n').length,
    file: m[2],
    lang: m[5],
    body: m[6],
  }));
}

/** Back-compatible view: the blocks that show a file. */
export function snippetsOf(docPath) {
  return blocksOf(docPath).filter((b) => b.file);
}

/** The text a marker names: the whole file, or the region `#name` of it, dedented. */
export function snippetText(ref) {
  const [file, region] = ref.split('#');
  const text = readFileSync(join(root, file), 'utf8');
  if (!region) return text.endsWith('\n') ? text : `${text}\n`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(`#region ${region}`));
  const end = lines.findIndex((l, i) => i > start && l.includes(`#endregion ${region}`));
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${region}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length));
  return `${body.map((l) => l.slice(indent)).join('\n')}\n`;
}

const indentBy = (text, pad) =>
  pad
    ? text
        .split('\n')
        .map((l, i, all) => (l && i < all.length - 1 ? pad + l : l))
        .join('\n')
    : text;

export function fillSnippets(docPath) {
  const text = readFileSync(join(root, docPath), 'utf8');
  return text.replace(BLOCK, (whole, markerPad = '', ref, gap, pad, lang) => {
    if (!ref) return whole;
    return `${markerPad}<!-- snippet: ${ref} -->\n${gap}${pad}\`\`\`${lang}\n${indentBy(snippetText(ref), pad)}${pad}\`\`\``;
  });
}

/** What is wrong with the docs' code blocks: stale snippets, code without a file, unchecked files. */
export function problems() {
  const found = [];
  const used = new Set();
  for (const doc of docFiles()) {
    if (fillSnippets(doc) !== readFileSync(join(root, doc), 'utf8')) {
      found.push(
        `${doc}: snippets differ from their files (run node scripts/doc-snippets.mjs --write)`,
      );
    }
    for (const block of blocksOf(doc)) {
      if (block.file) {
        const file = block.file.split('#')[0];
        used.add(file);
        if (!CHECKS[file]) found.push(`${doc}:${block.line}: ${file} is not in CHECKS`);
      } else if (!DATA_LANGS.has(block.lang)) {
        found.push(`${doc}:${block.line}: a ${block.lang} block without a snippet file`);
      }
    }
  }
  for (const file of Object.keys(CHECKS)) {
    if (!used.has(file)) found.push(`${file} is in CHECKS but no doc shows it`);
  }
  return found;
}

// Templates that a generator turns into a doc (docs/elements.md): filled too, so that
// regenerating the doc keeps its snippets.
const TEMPLATES = ['packages/elements/scripts/docs-intro.md'];

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    for (const doc of [...docFiles(), ...TEMPLATES])
      writeFileSync(join(root, doc), fillSnippets(doc));
  }
  const found = problems();
  for (const p of found) console.error(p);
  process.exit(found.length ? 1 : 0);
}
