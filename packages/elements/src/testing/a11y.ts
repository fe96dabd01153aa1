/// <reference types="chai-a11y-axe" />
/**
 * `expect(el).to.be.accessible()` from @open-wc/testing, without that package's index: it also
 * loads @web/test-runner-commands (for snapshots), which only works under Web Test Runner.
 */
import chai from '@esm-bundle/chai';
import { chaiA11yAxe } from 'chai-a11y-axe';

chai.use(chaiA11yAxe);

/** Chai's expect with the axe plugin: `await a11y(el).to.be.accessible()`. */
export const a11y = chai.expect;
