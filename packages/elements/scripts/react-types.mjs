// Writes src/react.ts from custom-elements.json: the elements' props in React's JSX
// (`React.JSX.IntrinsicElements`), so that TSX using the tags type-checks without a hand-written
// .d.ts. Attributes and properties come from the manifest's members, `onsynapse-*` props from
// its events, typed by the event class whose `eventName` is that event (its `detail` type).
// Usage: npm run react-types (after npm run manifest); `--check` fails if src/react.ts differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const MANIFEST = here('../custom-elements.json');
export const OUTPUT = here('../src/react.ts');

const PRIMITIVE = new Set(['string', 'number', 'boolean']);

const jsdoc = (text, indent = '  ') => {
  const lines = (text ?? '').trim().split('\n');
  if (!lines[0]) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l.trim()}`.trimEnd()).join('\n')}\n${indent} */\n`;
};

/** Event name → the class that is dispatched for it, from each class's static `eventName`. */
function eventClasses(declarations) {
  const byName = new Map();
  for (const d of declarations) {
    const member = d.members?.find((m) => m.static && m.name === 'eventName');
    const name = member?.default && /^'([\w-]+)'$/.exec(member.default)?.[1];
    if (name) byName.set(name, d.name);
  }
  return byName;
}

function propsOf(el, events) {
  const props = [];
  for (const attr of el.attributes ?? []) {
    const text = attr.type?.text;
    const type = PRIMITIVE.has(text) ? text : `${el.name}['${attr.fieldName}']`;
    props.push(`${jsdoc(attr.description)}  '${attr.name}'?: ${type} | undefined;`);
  }
  // Properties without an attribute (objects such as `client`): React 19 sets a prop as a
  // property when the element has one, so they are props too.
  for (const m of el.members ?? []) {
    if (m.kind !== 'field' || m.static || m.readonly || m.attribute) continue;
    if (m.privacy === 'private' || m.privacy === 'protected') continue;
    const doc = `${m.description ?? ''}\n(A property: pass the value itself, not a string.)`;
    props.push(`${jsdoc(doc)}  ${m.name}?: ${el.name}['${m.name}'] | undefined;`);
  }
  for (const event of el.events ?? []) {
    const cls = events.get(event.name);
    if (!cls) throw new Error(`${el.tagName} fires ${event.name}, which no event class names`);
    props.push(
      `${jsdoc(event.description)}  'on${event.name}'?: ((event: ${cls}) => void) | undefined;`,
    );
  }
  return props;
}

/** The text of src/react.ts for `manifest`, formatted as the repository's Prettier formats it. */
export async function reactTypes(manifest) {
  const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
  const events = eventClasses(declarations);
  const elements = declarations
    .filter((d) => d.customElement && d.tagName)
    .sort((a, b) => a.tagName.localeCompare(b.tagName));
  const used = new Set(elements.map((el) => el.name));
  for (const el of elements) for (const e of el.events ?? []) used.add(events.get(e.name));

  const interfaces = elements.map(
    (el) =>
      `${jsdoc(`\`<${el.tagName}>\`: ${el.summary ?? ''}`, '')}` +
      `export interface ${el.name}Props extends ElementProps<${el.name}> {\n` +
      `${propsOf(el, events).join('\n')}\n}`,
  );
  const tags = elements.map((el) => `      '${el.tagName}': ${el.name}Props;`);
  const text = `// Generated from custom-elements.json by scripts/react-types.mjs (npm run react-types): do not
// edit. The entry \`@synapse-calling/elements/react\`: at run time the package's main entry (it
// defines the tags), in types also every tag in React's JSX with its attributes, properties and
// \`onsynapse-*\` events. Needs @types/react 18.3 or later (\`React.JSX\`); React 19 passes
// \`on<event>\` props to addEventListener and object props as properties.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ${[...used].sort().join(', ')} } from './index';

export * from './index';

/** What React accepts on any HTML element, with \`ref\` typed for the element's class. */
type ElementProps<E extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<E>, E>;

${interfaces.join('\n\n')}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- React declares JSX as a namespace
  namespace JSX {
    interface IntrinsicElements {
${tags.join('\n')}
    }
  }
}
`;
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(text, { ...options, filepath: OUTPUT });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const text = await reactTypes(manifest);
  if (process.argv.includes('--check')) {
    if (text !== readFileSync(OUTPUT, 'utf8')) {
      console.error('src/react.ts differs from custom-elements.json: run npm run react-types');
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`src/react.ts: ${text.match(/^export interface/gm)?.length ?? 0} elements`);
  }
}
