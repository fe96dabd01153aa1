/**
 * Test helpers for anything that needs a real Synapse Calling server: start one on a free port,
 * mint user tokens for it, connect Socket.IO clients and wait for their events.
 *
 * ```ts
 * const server = await startTestServer({ ringTimeoutMs: 500 });
 * const token = await server.mintToken({ sub: 'alice', tenant: 'acme', role: 'agent' });
 * const alice = await connectClient(server.url, token);
 * const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
 * await server.close();
 * ```
 *
 * Defaults: in-memory SQLite, P2P media, no origin allowlist, silent logs (set
 * SYNAPSE_TEST_LOG=debug to see them), the production timeouts unless overridden.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { pino } from 'pino';
import {
  io as ioClient,
  type Socket as ClientSocket,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import {
  createSynapseServer,
  type SynapseServer,
  type SynapseServerOptions,
} from '@synapse-calling/reference-server';
import type {
  CallInfo,
  ClientToServerEvents,
  ServerEventPayload,
  ServerToClientEvents,
} from '@synapse-calling/protocol';

import { TEST_JWT_SECRET, mintTestToken, type TestTokenClaims } from '../tokens';

export { TEST_JWT_SECRET, mintTestToken, type TestTokenClaims };

/** Bearer secret of `/metrics` for test servers started with `metricsToken: TEST_METRICS_TOKEN`. */
export const TEST_METRICS_TOKEN = 'synapse-test-metrics-0123456789abcdef';

/** `GET /metrics` with `TEST_METRICS_TOKEN` (the route is served only with a metrics token). */
export function fetchMetrics(url: string): Promise<Response> {
  return fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
}

/** Token claims of an agent (tenant `acme` unless given; no `name` claim unless given). */
export function agent(sub: string, tenant = 'acme', name?: string): TestTokenClaims {
  return { sub, tenant, role: 'agent', ...(name === undefined ? {} : { name }) };
}

/** Token claims of a customer (tenant `acme` unless given; no `name` claim unless given). */
export function customer(sub: string, tenant = 'acme', name?: string): TestTokenClaims {
  return { sub, tenant, role: 'customer', ...(name === undefined ? {} : { name }) };
}

export type TestServerOptions = Partial<Omit<SynapseServerOptions, 'httpServer' | 'app'>> & {
  /** Port to listen on (127.0.0.1). Default 0: a free port. */
  port?: number;
  /** Runs before Synapse mounts its routes (add a sign-in route, static files…). */
  configureApp?: (app: Express) => void;
};

export interface TestServer {
  /** `http://127.0.0.1:PORT`; clients connect to `${url}/call`. */
  url: string;
  port: number;
  httpServer: HttpServer;
  app: Express;
  synapse: SynapseServer;
  /** Signs a token for this server (same secret). */
  mintToken(claims: TestTokenClaims): Promise<string>;
  /** Mints a token and connects a `/call` client with it (closed by `close()`). */
  connect(
    claims: TestTokenClaims,
    options?: Partial<ManagerOptions & SocketOptions>,
  ): Promise<TestClient>;
  /** Closes Synapse and the HTTP server. Idempotent. */
  close(): Promise<void>;
}

/** Starts the real server (http.Server + Express + createSynapseServer) on a free port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { configureApp, port: wantedPort = 0, ...rest } = options;
  const app = express();
  const httpServer = createServer(app);
  configureApp?.(app);
  const synapse = await createSynapseServer({
    dataDir: ':memory:',
    logger: pino({ level: process.env.SYNAPSE_TEST_LOG ?? 'silent' }),
    ...rest,
    auth: rest.auth ?? { jwtSecret: TEST_JWT_SECRET },
    httpServer,
    app,
  });
  await new Promise<void>((resolve) => httpServer.listen(wantedPort, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const clients = new Set<TestClient>();
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    httpServer,
    app,
    synapse,
    mintToken: (claims) => mintTestToken(claims),
    connect: async (claims, clientOptions) => {
      const client = await connectClient(url, await mintTestToken(claims), clientOptions);
      clients.add(client);
      return client;
    },
    close: () =>
      (closed ??= (async () => {
        for (const client of clients) client.close();
        await synapse.close();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
      })()),
  };
}

/** A typed Socket.IO client of the `/call` namespace. */
export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to `${url}/call` with a token and resolves once connected (rejects on connect_error). */
export async function connectClient(
  url: string,
  token: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<TestClient> {
  const socket: TestClient = ioClient(`${url}/call`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Resolves with the `data` of the `connect_error` a refused handshake produces. */
export async function connectError(
  url: string,
  auth: Record<string, unknown>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<{ message: string; data: { code?: string; message?: string } | undefined }> {
  const socket = ioClient(`${url}/call`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
      socket.once('connect_error', (err: Error & { data?: { code?: string; message?: string } }) =>
        resolve({ message: err.message, data: err.data }),
      );
    });
  } finally {
    socket.close();
  }
}

type ServerEvent = keyof ServerToClientEvents;

/**
 * Resolves with the next `name` event's payload (optionally the next one matching `filter`);
 * rejects after `timeoutMs` so a missing event fails the test with a clear message.
 */
export function waitForEvent<E extends ServerEvent>(
  socket: TestClient,
  name: E,
  {
    timeoutMs = 10_000,
    filter,
  }: { timeoutMs?: number; filter?: (p: ServerEventPayload<E>) => boolean } = {},
): Promise<ServerEventPayload<E>> {
  type Loose = {
    on(event: string, fn: (payload: ServerEventPayload<E>) => void): void;
    off(event: string, fn: (payload: ServerEventPayload<E>) => void): void;
  };
  const loose = socket as unknown as Loose;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      loose.off(name, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${name}'`));
    }, timeoutMs);
    function listener(payload: ServerEventPayload<E>) {
      if (filter && !filter(payload)) return;
      clearTimeout(timer);
      loose.off(name, listener);
      resolve(payload);
    }
    loose.on(name, listener);
  });
}

/** Records every event of the given names, for asserting that something did NOT arrive. */
export function recordEvents(
  socket: TestClient,
  names: ServerEvent[],
): Array<{ name: ServerEvent; payload: unknown }> {
  const seen: Array<{ name: ServerEvent; payload: unknown }> = [];
  const loose = socket as unknown as { on(event: string, fn: (payload: unknown) => void): void };
  for (const name of names) loose.on(name, (payload) => seen.push({ name, payload }));
  return seen;
}

type ClientEvent = keyof ClientToServerEvents;
type AckOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[1] extends (
  ack: infer A,
) => void
  ? A
  : never;

/** Emits a client event and resolves with its acknowledgement (rejects after `timeoutMs`). */
export async function emitAck<E extends ClientEvent>(
  socket: TestClient,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<AckOf<E>> {
  const loose = socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<AckOf<E>> };
  };
  return loose.timeout(timeoutMs).emitWithAck(event, payload);
}

/** `caller` calls `to`; resolves with the call once `callee` (a connection of `to`) rings. */
export async function ringCall(
  caller: TestClient,
  callee: TestClient,
  to: string,
): Promise<CallInfo> {
  const incoming = waitForEvent(callee, 'incoming-call');
  const ack = await emitAck(caller, 'initiate-call', { to });
  if (!ack.ok) throw new Error(ack.error.code);
  await incoming;
  return ack.call;
}
