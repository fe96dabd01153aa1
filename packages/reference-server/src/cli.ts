import { ConfigError, configFromEnv } from './env-config';
import { createLogger } from './logger';
import { startSynapseServer } from './standalone';

/** `synapse-server`: the standalone server, configured from the environment (docs/server.md). */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line that says which setting and why; no stack trace for a configuration mistake.
      process.stderr.write(`synapse-server: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger();
  const server = await startSynapseServer({ ...config, logger });
  logger.info({ url: server.url }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // SIGTERM (an orchestrator's rolling restart): clients and their calls move to the other
    // nodes first. SIGINT (Ctrl-C) stops at once. The drain has its own deadline.
    if (signal === 'SIGTERM') {
      await server.drain().catch((err: unknown) => logger.error({ err }, 'drain failed'));
    }
    // A stuck shutdown must still end the process.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`synapse-server: failed to start: ${message}\n`);
  process.exit(1);
});
