import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createSynapseServer, type SynapseServer } from './server';
import type { SynapseServerOptions } from './options';

export interface StartSynapseServerOptions extends Omit<
  SynapseServerOptions,
  'httpServer' | 'app'
> {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  port?: number;
  /** Interface to bind; default all interfaces. */
  host?: string;
  /** Serve files from this directory (after the API routes), e.g. example pages. */
  staticDir?: string;
  /**
   * Add routes to the app before Synapse's own (e.g. a dev sign-in that mints tokens). Use the
   * returned `app` to add routes after them. May be async; what it returns is ignored, so
   * `(app) => app.use(router)` is fine.
   */
  configureApp?: (app: Express) => unknown;
}

export interface RunningSynapseServer {
  /** `http://host:port`, with 127.0.0.1 for a wildcard bind. */
  url: string;
  port: number;
  app: Express;
  httpServer: HttpServer;
  synapse: SynapseServer;
  /** Graceful stop: clients disconnected, database closed, HTTP server closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the Express app and HTTP server, mounts Synapse and listens. Used by the CLI.
 *
 * @example
 * import { configFromEnv, startSynapseServer } from '@synapse-calling/reference-server';
 *
 * const server = await startSynapseServer({
 *   ...configFromEnv(process.env),
 *   configureApp: (app) => app.use(mySignInRouter), // before Synapse's routes
 *   staticDir: './public', // after them
 * });
 * console.log(server.url); // e.g. http://127.0.0.1:3000
 *
 * await server.close(); // Synapse, then the HTTP server
 *
 * @param options - every `createSynapseServer` option but `httpServer`/`app`, plus `port`,
 *   `host`, `staticDir` and `configureApp`
 * @return the listening server, its URL and `close()`
 */
export async function startSynapseServer(
  options: StartSynapseServerOptions,
): Promise<RunningSynapseServer> {
  const { port = 3000, host, staticDir, configureApp, ...rest } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  await configureApp?.(app);
  const synapse = await createSynapseServer({ ...rest, httpServer, app });
  if (staticDir) app.use(express.static(staticDir));

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await synapse.close();
    throw err;
  }
  const address = httpServer.address() as AddressInfo;
  const shownHost =
    !host || host === '0.0.0.0' || host === '::'
      ? '127.0.0.1'
      : host.includes(':')
        ? `[${host}]`
        : host;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await synapse.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        // Keep-alive sockets would otherwise hold close() open until they time out.
        httpServer.closeAllConnections();
      });
    })());

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    app,
    httpServer,
    synapse,
    close,
  };
}
