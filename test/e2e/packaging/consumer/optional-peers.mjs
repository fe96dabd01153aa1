// Run inside the consumer project, where the server's optional peers are not installed: each
// setting that needs one must fail with an error naming the package. Prints `result: <JSON>`.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createSynapseServer, MissingDependencyError } from '@synapse-calling/reference-server';

const auth = { jwtSecret: 'x'.repeat(32) };
const settings = {
  redis: { redis: { url: 'redis://127.0.0.1:1' } },
  database: { database: { url: 'postgres://127.0.0.1:1/x' } },
  livekit: { livekit: { url: 'ws://127.0.0.1:1', apiKey: 'k', apiSecret: 's'.repeat(32) } },
};
const result = {};
for (const [name, setting] of Object.entries(settings)) {
  try {
    const synapse = await createSynapseServer({ httpServer: createServer(), auth, ...setting });
    await synapse.close();
    result[name] = 'started';
  } catch (err) {
    result[name] = {
      missing: err instanceof MissingDependencyError,
      packageName: err.packageName,
      message: err.message,
    };
  }
}
// P2P on one node needs none of them, from ESM and from CommonJS.
const synapse = await createSynapseServer({
  httpServer: createServer(),
  auth,
  dataDir: ':memory:',
});
await synapse.close();
result.p2p = 'started';
const cjs = createRequire(import.meta.url)('@synapse-calling/reference-server');
result.cjs = typeof cjs.createSynapseServer;
console.log(`result: ${JSON.stringify(result)}`);
