/**
 * A host's webhook endpoint for tests: a plain HTTP server on a free loopback port that keeps
 * every call event POSTed to it (answering 204), as a CRM would receive them.
 *
 * ```ts
 * const hook = await startWebhookReceiver();
 * // SYNAPSE_WEBHOOK_URL: hook.url, SYNAPSE_WEBHOOK_SECRET: 'a-secret-of-32-characters-or-more'
 * hook.events.filter((e) => e.type === 'call.ended');
 * await hook.stop();
 * ```
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallInfo } from '@synapse-calling/protocol';

/** The webhook body (reference-server's `CallEvent`). */
export interface ReceivedCallEvent {
  id: string;
  type: string;
  call: CallInfo;
  tenant: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  events: ReceivedCallEvent[];
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const events: ReceivedCallEvent[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      try {
        events.push(JSON.parse(body) as ReceivedCallEvent);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/synapse`,
    events,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
