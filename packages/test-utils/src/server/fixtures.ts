/**
 * Vitest fixtures around `startTestServer`, so a test file says which server it needs in one
 * line instead of repeating `let server` and its before/after hooks.
 *
 * ```ts
 * const server = useTestServer({ ringTimeoutMs: 500 });          // a fresh server per test
 * const shared = useTestServer({}, { per: 'file' });              // one server for the file
 * const start = useTestServers();                                 // servers made inside tests
 * it('…', async () => { const alice = await server.connect(agent('alice')); });
 * ```
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from './server';

/** A running test server that a fixture replaces between tests; delegates to the current one. */
export interface TestServerFixture extends TestServer {
  /** Closes the current server and starts another with `options` (for a test that needs others). */
  restart(options?: TestServerOptions): Promise<void>;
}

class ServerFixture implements TestServerFixture {
  current: TestServer | undefined;

  private get running(): TestServer {
    if (!this.current) throw new Error('the test server runs only inside tests and their hooks');
    return this.current;
  }
  get url() {
    return this.running.url;
  }
  get port() {
    return this.running.port;
  }
  get httpServer() {
    return this.running.httpServer;
  }
  get app() {
    return this.running.app;
  }
  get synapse() {
    return this.running.synapse;
  }
  mintToken: TestServer['mintToken'] = (claims) => this.running.mintToken(claims);
  connect: TestServer['connect'] = (claims, options) => this.running.connect(claims, options);
  close = async (): Promise<void> => {
    await this.current?.close();
    this.current = undefined;
  };
  restart = async (options: TestServerOptions = {}): Promise<void> => {
    await this.close();
    this.current = await startTestServer(options);
  };
}

/**
 * Starts a real server before each test (`per: 'test'`, the default) or once before the file's
 * tests (`per: 'file'`), and closes it after. The returned object always talks to the server
 * that is running now.
 */
export function useTestServer(
  options: TestServerOptions = {},
  { per = 'test' }: { per?: 'test' | 'file' } = {},
): TestServerFixture {
  const fixture = new ServerFixture();
  const [before, after] = per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => fixture.restart(options));
  after(() => fixture.close());
  return fixture;
}

/** Returns `start(options)`, which starts a server that is closed after the current test. */
export function useTestServers(
  defaults: TestServerOptions = {},
): (options?: TestServerOptions) => Promise<TestServer> {
  const running: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return async (options = {}) => {
    const server = await startTestServer({ ...defaults, ...options });
    running.push(server);
    return server;
  };
}
