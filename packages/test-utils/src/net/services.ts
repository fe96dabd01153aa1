/**
 * The public services of the network tests, each a real process inside the `pub` namespace on
 * `SERVER_ADDRESS`: coturn (Debian's), the reference server's `synapse-server` CLI from the
 * package's dist/ (as deployed: configured from the environment), and livekit-server.
 * Ports are fixed: every test file has a `pub` namespace of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIVEKIT_BIN } from '../server/livekit';
import { TEST_JWT_SECRET } from '../tokens';
import { stopChild, type Namespace } from './netns';
import { SERVER_ADDRESS } from './topology';

export const PORTS = {
  synapse: 8080,
  turn: 3478,
  livekit: 7880,
  livekitTcp: 7881,
  livekitUdp: 7882,
} as const;

export interface Service {
  process: ChildProcess;
  /** Everything it printed so far (the last 20 000 characters), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `cmd` in `ns` and resolves once `host:port` accepts TCP connections there. */
async function startService(
  ns: Namespace,
  what: string,
  cmd: string,
  args: string[],
  port: number,
  env?: NodeJS.ProcessEnv,
): Promise<Service> {
  const child = ns.spawn(cmd, args, env);
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const service: Service = { process: child, output: () => log, stop: () => stopChild(child) };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${log}`);
    const open = await ns
      .exec('bash', ['-c', `exec 3<>/dev/tcp/${SERVER_ADDRESS}/${port}`])
      .then(() => true)
      .catch(() => false);
    if (open) return service;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${what} did not listen on ${SERVER_ADDRESS}:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Coturn extends Service {
  /** The shared secret (`static-auth-secret`) the signalling server mints credentials with. */
  secret: string;
  /** TURN over UDP and over TCP, as clients are given them. */
  urls: string[];
  /** The STUN URL of the same server. */
  stunUrl: string;
}

/**
 * coturn with the REST-API shared secret (`use-auth-secret`), relaying on `SERVER_ADDRESS`,
 * allowed to relay to the rig's addresses only. Config and database live in a temporary dir.
 */
/** The turnserver.conf that docs/deployment.md shows, so the tests run the documented settings. */
const DOCUMENTED_COTURN_CONF = resolve(
  import.meta.dirname,
  '../../../../examples/docs/deployment/turnserver.conf',
);
// The guide's lines that belong to its example host (addresses, ports, TLS files, the secret):
// the rig has its own.
const HOST_SPECIFIC = new Set([
  'listening-port',
  'tls-listening-port',
  'external-ip',
  'realm',
  'static-auth-secret',
  'cert',
  'pkey',
  'min-port',
  'max-port',
]);

function documentedCoturnConf(): string[] {
  return readFileSync(DOCUMENTED_COTURN_CONF, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .filter((line) => !HOST_SPECIFIC.has(line.split('=')[0]!));
}

export async function startCoturn(pub: Namespace): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-coturn-'));
  const secret = randomBytes(16).toString('hex');
  const conf = join(dir, 'turnserver.conf');
  writeFileSync(
    conf,
    [
      `listening-ip=${SERVER_ADDRESS}`,
      `relay-ip=${SERVER_ADDRESS}`,
      `listening-port=${PORTS.turn}`,
      'min-port=49152',
      'max-port=49999',
      `static-auth-secret=${secret}`,
      'realm=synapse.test',
      // use-auth-secret and, as a deployment should, never relaying into private networks (the
      // homes' LANs here).
      ...documentedCoturnConf(),
      'no-tls',
      'no-dtls',
      // The rig's "public" addresses are private ones: `pub` and the NAT routers' public side.
      'allowed-peer-ip=10.77.0.0-10.77.0.255',
      'allowed-peer-ip=10.77.10.0-10.77.19.255',
      `pidfile=${join(dir, 'turnserver.pid')}`,
      `userdb=${join(dir, 'turndb')}`,
      'log-file=stdout',
      'simple-log',
      ...(process.env.COTURN_VERBOSE ? ['verbose'] : []),
    ].join('\n'),
  );
  const service = await startService(pub, 'coturn', 'turnserver', ['-c', conf], PORTS.turn);
  const address = `${SERVER_ADDRESS}:${PORTS.turn}`;
  return {
    ...service,
    secret,
    urls: [`turn:${address}?transport=udp`, `turn:${address}?transport=tcp`],
    stunUrl: `stun:${address}`,
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SYNAPSE_CLI = resolve(import.meta.dirname, '../../../reference-server/dist/cli.js');

export interface SynapseService extends Service {
  /** `http://SERVER_ADDRESS:port`, what the pages load and connect to. */
  url: string;
}

/**
 * The standalone server (`synapse-server`, run from dist/ as deployed) on `port`, configured
 * with `env` on top of a test secret, an empty data dir and the static files in `staticDir`.
 */
export async function startSynapse(
  pub: Namespace,
  env: Record<string, string>,
  { port = PORTS.synapse, staticDir }: { port?: number; staticDir: string },
): Promise<SynapseService> {
  if (!existsSync(SYNAPSE_CLI)) {
    throw new Error(`${SYNAPSE_CLI} is missing: run \`npm run build\` first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-net-data-'));
  const service = await startService(pub, 'synapse-server', process.execPath, [SYNAPSE_CLI], port, {
    ...process.env,
    SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
    HOST: SERVER_ADDRESS,
    PORT: String(port),
    SYNAPSE_DATA_DIR: dataDir,
    SYNAPSE_STATIC_DIR: staticDir,
    ...env,
  });
  return {
    ...service,
    url: `http://${SERVER_ADDRESS}:${port}`,
    stop: async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface LiveKitService extends Service {
  wsUrl: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * livekit-server (`--dev` keys) on `SERVER_ADDRESS`: signal on 7880, ICE over TCP on 7881 and
 * all UDP muxed on 7882, announcing `SERVER_ADDRESS` as its only candidate address, with its
 * webhooks sent to `webhookUrl`.
 */
export async function startLiveKitIn(pub: Namespace, webhookUrl: string): Promise<LiveKitService> {
  if (!existsSync(LIVEKIT_BIN)) {
    throw new Error(`livekit-server not found at ${LIVEKIT_BIN}; run scripts/ensure-test-deps.sh`);
  }
  const [apiKey, apiSecret] = ['devkey', 'secret'];
  const config = [
    `port: ${PORTS.livekit}`,
    'rtc:',
    `  tcp_port: ${PORTS.livekitTcp}`,
    `  udp_port: ${PORTS.livekitUdp}`,
    '  use_external_ip: false',
    `  node_ip: ${SERVER_ADDRESS}`,
    'logging:',
    `  level: ${process.env.LIVEKIT_LOG_LEVEL ?? 'info'}`,
    'webhook:',
    `  api_key: ${apiKey}`,
    '  urls:',
    `    - ${webhookUrl}`,
  ].join('\n');
  const args = ['--dev', '--bind', SERVER_ADDRESS, '--config-body', config];
  const service = await startService(pub, 'livekit-server', LIVEKIT_BIN, args, PORTS.livekit);
  return { ...service, wsUrl: `ws://${SERVER_ADDRESS}:${PORTS.livekit}`, apiKey, apiSecret };
}
