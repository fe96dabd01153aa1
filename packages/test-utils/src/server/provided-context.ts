/**
 * What the browser project's global setup (`browser-global-setup.ts`) hands to the tests
 * through `inject()`. Import it as a type (`import type {} from …`) where `inject` is used.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the real reference server the browser tests talk to. */
    serverUrl: string;
    /** Another real server, whose allowlist names an origin that is not the test page's. */
    originLockedServer: { url: string; allowedOrigin: string };
    /** HS256 secret of that server, so tests can mint their users' tokens (jose works in the page). */
    jwtSecret: string;
    /** Frequency of the fake microphone's tone. */
    toneHz: number;
  }
}

export {};
