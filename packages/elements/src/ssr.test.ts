import { describe, expect, it } from 'vitest';

describe('@synapse-calling/elements in Node (SSR)', () => {
  it('imports without a DOM and without defining anything', async () => {
    expect(typeof customElements).toBe('undefined');
    const elements = await import('./index');
    expect(Object.keys(elements.TAGS)).toEqual([
      'synapse-calling',
      'synapse-call-button',
      'synapse-presence',
      'synapse-incoming-call',
      'synapse-active-call',
      'synapse-call-history',
      'synapse-line-status',
    ]);
    expect(elements.translationFor('de-AT').incoming.accept).toBe('Annehmen');
    expect(elements.translationFor('xx').incoming.accept).toBe('Accept');
  });
});
