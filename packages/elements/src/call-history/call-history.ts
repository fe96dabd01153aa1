import { repeat } from 'lit/directives/repeat.js';
import { html, nothing, type TemplateResult } from 'lit';
import { CallHistoryController, type HistoryEntry } from '../controllers/call-history-controller';
import { ClockController } from '../controllers/clock-controller';
import { formatDuration, formatRelative } from '../i18n/format';
import type { Translation } from '../i18n/translations';
import { SynapseElement } from '../internal/synapse-element';
import { tokens } from '../styles/tokens';
import { callHistoryStyles } from './call-history.styles';
import { RecordingPlayer } from './recording-player';

/**
 * The signed-in user's recent calls, newest first: direction, the other person, outcome,
 * duration, how long ago, and a call-back button (a `<synapse-call-button>`, so it follows the
 * person's presence). "Load more" fetches the next page. A call that starts, is answered or
 * ends shows so in its row at once (from what the client heard from the server), and the list
 * reloads to confirm.
 *
 * @summary Recent calls with call back and paging.
 * @tag synapse-call-history
 *
 * @fires synapse-history-load - A page has loaded (`detail.count`, `detail.hasMore`).
 * @fires synapse-call-error - Loading failed (`detail.action` is `history`; `recording` for a
 *   recording), or a call back failed.
 * @fires synapse-call-start - From a call-back button; cancelable.
 * @fires synapse-call-state - From a call-back button.
 *
 * @csspart base - The wrapper.
 * @csspart title - The "Recent calls" heading.
 * @csspart list - The `<ol>`.
 * @csspart item - One call.
 * @csspart direction - The incoming/outgoing arrow.
 * @csspart peer - The other person's name.
 * @csspart meta - Outcome, duration and time.
 * @csspart outcome - Completed, Missed, Declined…
 * @csspart duration - How long the call lasted.
 * @csspart time - How long ago (`<time>`).
 * @csspart recording-mark - "Recorded" on a call with a recording.
 * @csspart play - Loads and plays the recording (agents).
 * @csspart player - The recording's `<audio>` element.
 * @csspart download - The link that saves the recording.
 * @csspart call-back - The `<synapse-call-button>` host (its own parts are exported as
 *   `call-back-button`, `call-back-label`, `call-back-dot`, `call-back-hint`).
 * @csspart load-more - The "Load more" button.
 * @csspart empty - The "No calls yet" text.
 * @csspart error - The error text.
 * @csspart retry - The "Try again" button.
 *
 * @cssproperty --synapse-color-border - Row separators.
 * @cssproperty --synapse-color-danger - Missed calls.
 * @cssproperty --synapse-color-text-muted - Secondary text.
 * @cssproperty --synapse-spacing - Base spacing unit.
 */
export class SynapseCallHistory extends SynapseElement {
  static override styles = [tokens, callHistoryStyles];

  static override properties = {
    limit: { type: Number, reflect: true },
    noTitle: { type: Boolean, attribute: 'no-title', reflect: true },
  };

  /** Calls per page. */
  declare limit: number;
  /** Hides the "Recent calls" heading. */
  declare noTitle: boolean;

  private readonly history = new CallHistoryController(this, this.clients, () => this.limit);
  private readonly clock = new ClockController(this, 30_000);
  private readonly player = new RecordingPlayer(this, () => this.clients.client);

  constructor() {
    super();
    this.limit = 20;
    this.noTitle = false;
  }

  /** The rows shown. */
  get entries(): readonly HistoryEntry[] {
    return this.history.entries;
  }

  /** Whether another page can be loaded. */
  get hasMore(): boolean {
    return this.history.hasMore;
  }

  /** Reloads the first page. */
  reload(): Promise<void> {
    return this.history.reload();
  }

  /** Loads the next page. */
  loadMore(): Promise<void> {
    return this.history.loadMore();
  }

  protected override updated(): void {
    this.toggleAttribute('loading', this.history.loading);
    this.clock.run(this.history.entries.length > 0);
  }

  protected override render(): TemplateResult {
    const t = this.locale.t;
    const h = this.history;
    return html`<section
      part="base"
      aria-labelledby=${this.noTitle ? nothing : 'title'}
      aria-label=${this.noTitle ? t.history.title : nothing}
      aria-busy=${h.loading ? 'true' : 'false'}
    >
      ${this.noTitle ? nothing : html`<h2 part="title" id="title">${t.history.title}</h2>`}
      ${
        h.entries.length > 0
          ? html`<ol part="list">
              ${repeat(
                h.entries,
                (entry) => entry.id,
                (entry) => this.renderEntry(t, entry),
              )}
            </ol>`
          : nothing
      }
      ${h.render({
        complete: () =>
          h.entries.length === 0 ? html`<p part="empty">${t.history.empty}</p>` : nothing,
        error: () =>
          html`<p part="error" role="alert">
            ${t.history.error}
            <button part="retry" type="button" @click=${() => h.reload()}>
              ${t.history.retry}
            </button>
          </p>`,
      })}
      ${
        h.hasMore
          ? html`<button
              part="load-more"
              type="button"
              ?disabled=${h.loading}
              @click=${() => h.loadMore()}
            >
              ${t.history.loadMore}
            </button>`
          : nothing
      }
      <span class="visually-hidden" role="status">${h.loading ? t.history.loading : ''}</span>
    </section>`;
  }

  private renderEntry(t: Translation, entry: HistoryEntry): TemplateResult {
    const outcome = outcomeOf(t, entry);
    const direction = entry.direction === 'incoming' ? t.history.incoming : t.history.outgoing;
    return html`<li
      part="item"
      data-direction=${entry.direction}
      data-outcome=${entry.endReason ?? entry.state}
    >
      <span part="direction" title=${direction}
        ><span aria-hidden="true">${entry.direction === 'incoming' ? '↙' : '↗'}</span
        ><span class="visually-hidden">${direction}</span></span
      >
      <div class="body">
        <div class="text">
          <span part="peer">${entry.peer.name}</span>
          <span part="meta">
            <span part="outcome">${outcome}</span>
            ${
              entry.duration > 0
                ? html`<span part="duration">${formatDuration(entry.duration)}</span>`
                : nothing
            }
            <time part="time" datetime=${new Date(entry.at).toISOString()}
              >${formatRelative(this.locale.lang, entry.at, this.clock.now)}</time
            >
          </span>
          ${this.player.render(t, entry)}
        </div>
        <synapse-call-button
          part="call-back"
          exportparts="button: call-back-button, label: call-back-label, dot: call-back-dot, hint: call-back-hint"
          user-id=${entry.peer.id}
          name=${entry.peer.name}
          .client=${this.clients.client}
        ></synapse-call-button>
      </div>
    </li>`;
  }
}

function outcomeOf(t: Translation, entry: HistoryEntry): string {
  if (entry.state === 'ringing') return t.history.ringing;
  if (entry.state === 'active') return t.history.inProgress;
  return entry.endReason ? t.history.outcome[entry.endReason] : t.history.outcome.completed;
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-call-history': SynapseCallHistory;
  }
}
