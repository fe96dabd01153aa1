import type { TestProject } from 'vitest/node';
import { BROWSER_TONE_HZ } from '../media/tone';
import type {} from './provided-context';

/**
 * Starts the real reference servers for the browser project (port 0) and stops them at the end:
 * one that allows every origin, with a stand-in for the host app's token endpoint, and one whose
 * allowlist leaves out the test page's origin.
 */
export default async function setup(project: TestProject) {
  // Loaded lazily: the server helper pulls in better-sqlite3 and must not load into the page.
  const { startTestServer, TEST_JWT_SECRET } = await import('./server');
  const server = await startTestServer({
    allowedOrigins: [],
    configureApp: (app) => {
      // The host app's token endpoint, failing as asked (`?status=401`), with the CORS headers a
      // credentialed cross-origin fetch needs: the page runs on another origin than this server.
      app.get('/host/token', (req, res) => {
        res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.status(Number(req.query.status) || 200).send(String(req.query.body ?? ''));
      });
    },
  });
  // The page is served from http://localhost:PORT; this server allows only 127.0.0.1 there.
  const allowedOrigin = `http://127.0.0.1:${project.config.browser.api.port ?? 63315}`;
  const originLocked = await startTestServer({ allowedOrigins: [allowedOrigin] });
  project.provide('serverUrl', server.url);
  project.provide('originLockedServer', { url: originLocked.url, allowedOrigin });
  project.provide('jwtSecret', TEST_JWT_SECRET);
  project.provide('toneHz', BROWSER_TONE_HZ);
  return async () => {
    await Promise.all([server.close(), originLocked.close()]);
  };
}
