/**
 * Helpers for the elements' browser tests (they run in the page): real users on the browser
 * project's server (`elements/users.ts`), stand-in clients for states the real server cannot
 * produce (`elements/fake-client.ts`), event waiting and the axe accessibility assertion.
 */
export * from './elements/a11y';
export * from './elements/events';
export * from './elements/fake-client';
export * from './elements/users';
