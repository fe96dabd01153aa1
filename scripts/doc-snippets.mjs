// Keeps code blocks in docs equal to the example files they show. A block preceded by
// `<!-- snippet: path -->` must contain that file verbatim. `node scripts/doc-snippets.mjs --write`
// fills them in; without --write it reports differences (the docs test runs the same check).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const MARKER = /<!-- snippet: (\S+) -->\n```(\w*)\n([\s\S]*?)```/g;

export function snippetsOf(docPath) {
  const text = readFileSync(join(root, docPath), 'utf8');
  return [...text.matchAll(MARKER)].map(([, file, lang, body]) => ({ file, lang, body }));
}

export function fillSnippets(docPath) {
  const text = readFileSync(join(root, docPath), 'utf8');
  return text.replace(MARKER, (_m, file, lang) => {
    const body = readFileSync(join(root, file), 'utf8');
    return `<!-- snippet: ${file} -->\n\`\`\`${lang}\n${body.endsWith('\n') ? body : `${body}\n`}\`\`\``;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = ['docs/getting-started.md'];
  let stale = 0;
  for (const doc of docs) {
    const filled = fillSnippets(doc);
    if (filled !== readFileSync(join(root, doc), 'utf8')) {
      if (process.argv.includes('--write')) writeFileSync(join(root, doc), filled);
      else {
        stale++;
        console.error(`${doc}: snippets differ from their files (run with --write)`);
      }
    }
  }
  process.exit(stale ? 1 : 0);
}
