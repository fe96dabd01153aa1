import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createSynapseServer, type SynapseServer } from './server';
import type { SynapseServerOptions } from './options';
import type { DrainResult } from './cluster/drain';

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
   * Serve `GET /metrics` without a token on a listener of its own, on this port (0 picks a free
   * one), e.g. one only the monitoring network reaches. Default: no such listener.
   */
  metricsPort?: number;
  /** Interface of the metrics listener. Default `127.0.0.1`. */
  metricsHost?: string;
  /**
   * Add routes to the app before Synapse's own (e.g. a dev sign-in that mints tokens). Use the
   * returned `app` to add routes after them. May be async; what it returns is ignored, so
   * `(app) => app.use(router)` is fine.
   */
  configureApp?: (app: Express) => unknown;
  /** `drain()`'s deadline (the CLI drains on SIGTERM). Default: the reconnect grace plus 5 s. */
  drainTimeoutMs?: number;
}

export interface RunningSynapseServer {
  /** `http://host:port`, with 127.0.0.1 for a wildcard bind. */
  url: string;
  port: number;
  app: Express;
  httpServer: HttpServer;
  synapse: SynapseServer;
  /** `http://host:port` of the metrics listener, when `metricsPort` was given. */
  metricsUrl?: string;
  /**
   * Rolling restart: closes the listener (open WebSockets stay up), so the load balancer sends
   * new connections to the other nodes, then `synapse.drain()`. Call `close()` after it.
   */
  drain(): Promise<DrainResult>;
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
  const {
    port = 3000,
    host,
    staticDir,
    configureApp,
    metricsPort,
    metricsHost,
    drainTimeoutMs,
    ...rest
  } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  await configureApp?.(app);
  const synapse = await createSynapseServer({ ...rest, httpServer, app });
  if (staticDir) app.use(express.static(staticDir));

  const metricsServer =
    metricsPort === undefined ? undefined : createServer(metricsListener(synapse));
  try {
    await listen(httpServer, port, host);
    if (metricsServer) await listen(metricsServer, metricsPort ?? 0, metricsHost ?? '127.0.0.1');
  } catch (err) {
    await synapse.close();
    for (const server of [httpServer, metricsServer]) server?.close();
    throw err;
  }

  const drain = () => {
    // Not `stop()`: the WebSockets of this node's clients must stay open until they move.
    httpServer.close();
    return synapse.drain(drainTimeoutMs === undefined ? {} : { timeoutMs: drainTimeoutMs });
  };

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await synapse.close();
      await Promise.all([httpServer, metricsServer].map((server) => server && stop(server)));
    })());

  const address = httpServer.address() as AddressInfo;
  return {
    url: urlOf(httpServer, host),
    port: address.port,
    app,
    httpServer,
    synapse,
    ...(metricsServer ? { metricsUrl: urlOf(metricsServer, metricsHost ?? '127.0.0.1') } : {}),
    drain,
    close,
  };
}

/** Only `GET /metrics`, without a token: the listener's address is what protects it. */
function metricsListener(synapse: SynapseServer) {
  const { registry } = synapse.metrics;
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        synapse.logger.error({ err }, 'metrics scrape failed');
        res.writeHead(500).end();
      },
    );
  };
}

function listen(server: HttpServer, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: HttpServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}

/** `http://host:port`, with 127.0.0.1 for a wildcard bind. */
function urlOf(server: HttpServer, host: string | undefined): string {
  const { port } = server.address() as AddressInfo;
  const shownHost =
    !host || host === '0.0.0.0' || host === '::'
      ? '127.0.0.1'
      : host.includes(':')
        ? `[${host}]`
        : host;
  return `http://${shownHost}:${port}`;
}
