/**
 * `expect(el).to.be.accessible()` (chai-a11y-axe, as in @open-wc/testing) on vitest's own chai.
 * @open-wc/testing's index cannot be loaded here: it also pulls in @web/test-runner-commands,
 * which only works under Web Test Runner.
 */
import { chaiA11yAxe } from 'chai-a11y-axe';
import { chai, expect } from 'vitest';

chai.use(chaiA11yAxe);

interface AccessibleAssertion {
  to: { be: { accessible(options?: { ignoredRules?: string[] }): Promise<unknown> } };
}

/** `await a11y(el).to.be.accessible()`: runs axe on `el` (shadow DOM included). */
export function a11y(el: Element): AccessibleAssertion {
  return expect(el) as unknown as AccessibleAssertion;
}
