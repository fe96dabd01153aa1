import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AgentLineStatus, SynapseClient } from '@synapse-calling/sdk-core';
import type { ClientController } from './client-controller';

/** How often an agent's line view is fetched again: who waits changes by the second. */
export const AGENT_LINE_REFRESH_MS = 5_000;

/**
 * A member agent's view of a line (`client.lines.agentStatus`) while the client is connected:
 * fetched at once, when the line or the client changes, every {@link AGENT_LINE_REFRESH_MS},
 * and after the agent flips their switch. Nothing (undefined) for a non-member: the server
 * answers `not-found`, as for an unknown line.
 */
export class AgentLineController implements ReactiveController {
  private watched = '';
  private latest: AgentLineStatus | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private asked = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly clients: ClientController,
    private readonly line: () => string,
  ) {
    host.addController(this);
  }

  get status(): AgentLineStatus | undefined {
    return this.latest;
  }

  hostUpdate(): void {
    const client = this.connectedClient();
    // One key for "what to watch": a new line, client or connection starts over.
    const key = client ? `${this.line()}\n${client.user?.id ?? ''}` : '';
    if (key === this.watched) return;
    this.watched = key;
    clearInterval(this.timer);
    if (!key || !this.line()) return;
    this.fetch();
    this.timer = setInterval(() => this.fetch(), AGENT_LINE_REFRESH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.watched = '';
  }

  /** Pauses or resumes taking the line's calls, then shows the line as it is now. */
  async setTakingCalls(takingCalls: boolean): Promise<void> {
    const client = this.connectedClient();
    if (!client) return;
    await client.lines.setTakingCalls(this.line(), takingCalls);
    this.fetch();
  }

  private connectedClient(): SynapseClient | undefined {
    const client = this.clients.client;
    return client?.connectionState === 'connected' ? client : undefined;
  }

  private fetch(): void {
    const client = this.connectedClient();
    if (!client) return;
    const ask = ++this.asked;
    const done = (status: AgentLineStatus | undefined) => {
      // Only the newest answer counts (an older poll may land after a flip of the switch).
      if (ask !== this.asked) return;
      this.latest = status;
      this.host.requestUpdate();
    };
    client.lines.agentStatus(this.line()).then(done, () => done(undefined));
  }
}
