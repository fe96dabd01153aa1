import type { TestProject } from 'vitest/node';
import { BROWSER_TONE_HZ } from '../media/tone';
import type {} from './provided-context';

/** Starts one real reference server (port 0) for the browser project and stops it at the end. */
export default async function setup(project: TestProject) {
  // Loaded lazily: the server helper pulls in better-sqlite3 and must not load into the page.
  const { startTestServer, TEST_JWT_SECRET } = await import('./server');
  const server = await startTestServer({ allowedOrigins: [] });
  project.provide('serverUrl', server.url);
  project.provide('jwtSecret', TEST_JWT_SECRET);
  project.provide('toneHz', BROWSER_TONE_HZ);
  return async () => {
    await server.close();
  };
}
