import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import {
  CHROMIUM_PATH,
  HEADLESS_FLAGS,
  fakeMediaFlags,
} from './packages/test-utils/src/browser/chromium.ts';
import { BROWSER_TONE_HZ } from './packages/test-utils/src/media/tone.ts';

// Tests run against the sources, not dist/, so a test run never needs a build first.
const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));
const alias = [
  {
    find: /^@synapse-calling\/protocol\/schemas$/,
    replacement: src('protocol/src/schemas.ts'),
  },
  { find: /^@synapse-calling\/protocol$/, replacement: src('protocol/src/index.ts') },
  { find: /^@synapse-calling\/sdk-core$/, replacement: src('sdk-core/src/index.ts') },
  {
    find: /^@synapse-calling\/reference-server$/,
    replacement: src('reference-server/src/index.ts'),
  },
  { find: /^@synapse-calling\/elements$/, replacement: src('elements/src/index.ts') },
  { find: /^@synapse-calling\/elements\/react$/, replacement: src('elements/src/react.ts') },
  { find: /^@synapse-calling\/react$/, replacement: src('react/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
          exclude: [
            '**/*.browser.test.{ts,tsx}',
            '**/node_modules/**',
            '**/dist/**',
            'test/e2e/network/**',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // Calls across network namespaces (docs/development.md, "Network tests"). They mostly
          // wait on network timers, so two files run at once, after the rest of the suite.
          name: 'network',
          environment: 'node',
          include: ['test/e2e/network/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.{ts,tsx}', 'test/**/*.browser.test.ts'],
          // Starts the real reference server and provides its URL to the tests (inject()).
          globalSetup: ['packages/test-utils/src/server/browser-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM_PATH,
                args: [...HEADLESS_FLAGS, ...fakeMediaFlags(BROWSER_TONE_HZ)],
              },
              contextOptions: { permissions: ['microphone'] },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
