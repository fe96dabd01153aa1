import { html, nothing, type TemplateResult } from 'lit';
import type { AgentLineController } from '../controllers/agent-line-controller';
import { ClockController } from '../controllers/clock-controller';
import { SynapseCallErrorEvent } from '../events/index';
import { formatDuration } from '../i18n/format';
import { SynapseElement } from '../internal/synapse-element';
import { tokens } from '../styles/tokens';
import type { Kit } from './line-status-view';
import { lineStatusStyles } from './line-status.styles';

/** What the lazily loaded view needs of this bundle (see `line-status-view.ts`). */
const KIT: Kit = { html, nothing, formatDuration };
let view: typeof import('./line-status-view') | undefined;
let viewLoading: Promise<unknown> | undefined;

/**
 * An agent's view of a support line, for the CRM: open or closed, how many agents are available,
 * who is waiting and for how long (first in line first), and the agent's own "Taking calls"
 * switch. Only for the line's members: for anyone else (and an unknown line) it stays hidden, as
 * the server answers them `not-found`. Refreshed every few seconds while shown.
 *
 * @summary A support line's queue and the agent's "taking calls" switch.
 * @tag synapse-line-status
 *
 * @fires synapse-call-error - The switch could not be flipped (`action: 'taking-calls'`).
 *
 * @csspart base - The wrapper.
 * @csspart header - Name, open/closed and the switch.
 * @csspart name - The line's name.
 * @csspart open - "Open" or "Closed".
 * @csspart taking-calls - The agent's switch (`aria-pressed`).
 * @csspart counts - Agents available and callers waiting.
 * @csspart calls - The list of waiting callers.
 * @csspart call - One waiting caller.
 * @csspart wait - How long they have waited.
 *
 * @cssproperty --synapse-color-success - Outline of the switch while taking calls.
 * @cssproperty --synapse-color-text-muted - Colour of the counts and wait times.
 * @cssproperty --synapse-spacing - Base spacing unit.
 */
export class SynapseLineStatus extends SynapseElement {
  static override styles = [tokens, lineStatusStyles];

  static override properties = {
    line: { type: String, reflect: true },
  };

  /** Id of the line (`support`). */
  declare line: string;

  /** Created once the view's chunk has loaded (it fetches the line from then on). */
  private agentLine: AgentLineController | undefined;
  private readonly clock = new ClockController(this, 1000);

  constructor() {
    super();
    this.line = '';
    this.hidden = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The view, its words and the fetching are a separate chunk, loaded on first use.
    viewLoading ??= import('./line-status-view').then((m) => {
      view = m;
    });
    void viewLoading.then(() => {
      this.agentLine ??= new view!.AgentLineController(this, this.clients, () => this.line);
      this.requestUpdate();
    });
  }

  protected override updated(): void {
    const status = this.agentLine?.status;
    this.hidden = !status;
    this.clock.run((status?.calls.length ?? 0) > 0);
  }

  protected override render(): TemplateResult | typeof nothing {
    const status = this.agentLine?.status;
    if (!view || !status) return nothing;
    return view.lineStatusView(KIT, this.locale.t, status, this.clock.now, (on) => {
      void this.flip(on);
    });
  }

  private async flip(takingCalls: boolean): Promise<void> {
    try {
      await this.agentLine?.setTakingCalls(takingCalls);
    } catch (error) {
      this.dispatchEvent(SynapseCallErrorEvent.from(error, 'taking-calls'));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-line-status': SynapseLineStatus;
  }
}
