import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LineStatus, SynapseClient } from '@synapse-calling/sdk-core';
import type { ClientController } from './client-controller';

/**
 * How often a shown line status is fetched again. The server pushes nothing about lines to
 * callers, and "All agents busy" that never clears would keep customers from calling.
 */
export const LINE_STATUS_REFRESH_MS = 30_000;

/**
 * Fetches a support line's status (`client.lines.status`) while the client is connected: at
 * once, whenever the line or the client changes, every {@link LINE_STATUS_REFRESH_MS} and on
 * `refresh()`; re-renders the host with each answer. Stops when the host leaves the document.
 */
export class LineStatusController implements ReactiveController {
  private key: { line: string; client: SynapseClient | undefined; connected: boolean } = {
    line: '',
    client: undefined,
    connected: false,
  };
  private latest: LineStatus | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Answers to an older request (another line, an earlier poll) are dropped. */
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly clients: ClientController,
    private readonly line: () => string | null | undefined,
  ) {
    host.addController(this);
  }

  /** The line's last fetched status; undefined before the first answer or after a failure. */
  get status(): LineStatus | undefined {
    return this.latest;
  }

  hostUpdate(): void {
    const line = this.line() ?? '';
    const client = this.clients.client;
    const connected = client?.connectionState === 'connected';
    const k = this.key;
    if (line === k.line && client === k.client && connected === k.connected) return;
    this.stop();
    this.key = { line, client, connected };
    if (!line || !client || !connected) return;
    this.refresh();
    this.timer = setInterval(() => this.refresh(), LINE_STATUS_REFRESH_MS);
  }

  hostDisconnected(): void {
    this.stop();
    this.key = { line: '', client: undefined, connected: false };
  }

  /** Fetches the status again now (after a call to the line ended, the queue changed). */
  refresh(): void {
    const { line, client, connected } = this.key;
    if (!line || !client || !connected) return;
    const generation = ++this.generation;
    client.lines.status(line).then(
      (status) => {
        if (generation !== this.generation) return;
        this.latest = status;
        this.host.requestUpdate();
      },
      () => {
        // An unknown line or a blip: show no status rather than a stale one.
        if (generation !== this.generation) return;
        this.latest = undefined;
        this.host.requestUpdate();
      },
    );
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.generation++;
    this.latest = undefined;
  }
}
