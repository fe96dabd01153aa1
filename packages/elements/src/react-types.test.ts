import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST, OUTPUT, reactTypes } from '../scripts/react-types.mjs';

// src/react.ts is generated from custom-elements.json, which `npm run build` regenerates from the
// elements' JSDoc: a tag, attribute or event added without `npm run react-types` fails here.
describe('the JSX types of @synapse-calling/elements/react', () => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));

  it('are what scripts/react-types.mjs makes of the manifest', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await reactTypes(manifest));
  });

  it('type every tag, attribute and event of the manifest', async () => {
    const text = await reactTypes(manifest);
    const elements = manifest.modules
      .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
      .filter((d: { tagName?: string }) => d.tagName) as {
      tagName: string;
      name: string;
      attributes?: { name: string }[];
      events?: { name: string }[];
    }[];
    expect(elements.length).toBeGreaterThanOrEqual(6);
    for (const el of elements) {
      expect(text).toContain(`'${el.tagName}': ${el.name}Props;`);
      const body = new RegExp(`interface ${el.name}Props [^]*?\\n}`).exec(text)?.[0] ?? '';
      for (const a of el.attributes ?? [])
        expect(body, a.name).toMatch(new RegExp(`'?${a.name}'?\\?:`));
      for (const e of el.events ?? [])
        expect(body, e.name).toContain(`'on${e.name}'?: ((event: Synapse`);
    }
  });
});
