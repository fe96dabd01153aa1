// Writes docs/elements.md from custom-elements.json (run `npm run manifest` first), so the
// reference never drifts from the JSDoc it is generated from. Usage: npm run docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const manifest = JSON.parse(readFileSync(here('../custom-elements.json'), 'utf8'));
// The order of TAGS (provider first), from the built package: importing it in Node defines nothing.
const { TAGS } = await import('../dist/index.js');
const ORDER = Object.keys(TAGS);

const elements = manifest.modules
  .flatMap((m) => m.declarations ?? [])
  .filter((d) => d.customElement && d.tagName)
  .sort((a, b) => ORDER.indexOf(a.tagName) - ORDER.indexOf(b.tagName));

const cell = (s) => (s ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const code = (s) => (s ? `\`${cell(s)}\`` : '');

function table(head, rows) {
  if (rows.length === 0) return '_None._\n';
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}

function section(el) {
  const publicMembers = (el.members ?? []).filter(
    (m) => m.privacy !== 'private' && m.privacy !== 'protected' && !m.static,
  );
  const fields = publicMembers.filter((m) => m.kind === 'field');
  const methods = publicMembers.filter((m) => m.kind === 'method');
  return [
    `## \`<${el.tagName}>\``,
    '',
    `${cell(el.summary)}`,
    '',
    el.description ?? '',
    '',
    `Class: \`${el.name}\`.`,
    '',
    '### Attributes',
    '',
    table(
      ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      (el.attributes ?? []).map((a) => [
        code(a.name),
        code(a.fieldName),
        code(a.type?.text),
        code(a.default),
        cell(a.description),
      ]),
    ),
    '### Properties',
    '',
    table(
      ['Property', 'Type', 'Read-only', 'Description'],
      fields.map((f) => [
        code(f.name),
        code(f.type?.text),
        f.readonly ? 'yes' : '',
        cell(f.description),
      ]),
    ),
    '### Methods',
    '',
    table(
      ['Method', 'Returns', 'Description'],
      methods.map((m) => [
        code(`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`),
        code(m.return?.type?.text),
        cell(m.description),
      ]),
    ),
    '### Events',
    '',
    table(
      ['Event', 'Description'],
      (el.events ?? []).filter((e) => e.name).map((e) => [code(e.name), cell(e.description)]),
    ),
    '### Slots',
    '',
    table(
      ['Slot', 'Description'],
      (el.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', cell(s.description)]),
    ),
    '### CSS parts',
    '',
    table(
      ['Part', 'Description'],
      (el.cssParts ?? []).map((p) => [code(p.name), cell(p.description)]),
    ),
    '### CSS custom properties',
    '',
    table(
      ['Property', 'Description'],
      (el.cssProperties ?? []).map((p) => [code(p.name), cell(p.description)]),
    ),
  ].join('\n');
}

const intro = readFileSync(here('./docs-intro.md'), 'utf8');
const out = `${intro.trim()}

<!-- Everything below is generated from custom-elements.json by packages/elements/scripts/docs.mjs. -->

# Reference

${elements.map(section).join('\n')}`;
writeFileSync(here('../../../docs/elements.md'), out.replace(/\n{3,}/g, '\n\n'));
console.log(`docs/elements.md: ${elements.length} elements`);
