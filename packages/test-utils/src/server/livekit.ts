import { createHash, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { freePort, waitFor } from './ports';

export const LIVEKIT_BIN =
  process.env.SYNAPSE_LIVEKIT_BIN ?? resolve(import.meta.dirname, '../../../../.tools/bin/server');

export interface LiveKitServer {
  /** `ws://127.0.0.1:PORT` for clients. */
  wsUrl: string;
  /** `http://127.0.0.1:PORT` for the server API (RoomServiceClient). */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  process: ChildProcess;
  /** Everything the server printed, for diagnosing a failing test. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartLiveKitOptions {
  /** URLs LiveKit POSTs its signed webhooks to. */
  webhookUrls?: string[];
}

/**
 * Starts a real `livekit-server --dev` on free ports (signal, RTC TCP and one muxed UDP port) so
 * that parallel test files do not collide. Built by scripts/ensure-test-deps.sh.
 */
export async function startLiveKit(options: StartLiveKitOptions = {}): Promise<LiveKitServer> {
  if (!existsSync(LIVEKIT_BIN)) {
    throw new Error(`livekit-server not found at ${LIVEKIT_BIN}; run scripts/ensure-test-deps.sh`);
  }
  const [port, tcpPort, udpPort] = [await freePort(), await freePort(), await freePort()];
  const apiKey = 'devkey';
  const apiSecret = 'secret';
  const config = [
    `port: ${port}`,
    'rtc:',
    `  tcp_port: ${tcpPort}`,
    `  udp_port: ${udpPort}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    'logging:',
    '  level: info',
  ];
  if (options.webhookUrls?.length) {
    config.push(
      'webhook:',
      `  api_key: ${apiKey}`,
      '  urls:',
      ...options.webhookUrls.map((u) => `    - ${u}`),
    );
  }
  const child = spawn(
    LIVEKIT_BIN,
    ['--dev', '--bind', '127.0.0.1', '--config-body', config.join('\n')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));

  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`livekit-server exited:\n${log}`);
        const res = await fetch(httpUrl);
        return res.ok;
      },
      { timeoutMs: 20_000, what: 'livekit-server to listen' },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`livekit-server did not start:\n${log}`, { cause: err });
  }

  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl,
    apiKey,
    apiSecret,
    process: child,
    output: () => log,
    stop: () =>
      new Promise<void>((done) => {
        if (exited) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * POSTs a webhook event to a Synapse server signed the way livekit-server signs it (a JWT whose
 * sha256 claim hashes the body), for tests that need an event LiveKit itself would send later
 * or never (a participant that leaves a room it never joined).
 */
export async function postLiveKitWebhook(
  serverUrl: string,
  lk: Pick<LiveKitServer, 'apiKey' | 'apiSecret'>,
  event: Record<string, unknown>,
): Promise<Response> {
  const body = JSON.stringify({ id: `EV_${randomUUID()}`, ...event });
  const token = new AccessToken(lk.apiKey, lk.apiSecret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return fetch(`${serverUrl}/api/livekit/webhook`, {
    method: 'POST',
    headers: { authorization: await token.toJwt(), 'content-type': 'application/webhook+json' },
    body,
  });
}
