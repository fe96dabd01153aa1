import { html, nothing, type TemplateResult } from 'lit';
import { ClockController } from '../controllers/clock-controller';
import { PresenceController } from '../controllers/presence-controller';
import { formatRelative, relativeRefreshMs } from '../i18n/format';
import { SynapseElement } from '../internal/synapse-element';
import { tokens } from '../styles/tokens';
import type { PresenceStatus } from '@synapse-calling/sdk-core';
import { presenceStyles } from './presence.styles';

/**
 * A person's presence: a coloured dot, the status in words and, when they are offline, when they
 * were last seen ("last seen 5 minutes ago"), kept up to date while shown.
 *
 * @summary Presence dot and label for one user.
 * @tag synapse-presence
 *
 * @csspart base - The wrapper of dot and texts.
 * @csspart dot - The status dot.
 * @csspart label - The status in words.
 * @csspart last-seen - "last seen …", shown while the user is offline.
 *
 * @cssproperty --synapse-color-online - Dot colour when online.
 * @cssproperty --synapse-color-away - Dot colour when away.
 * @cssproperty --synapse-color-busy - Dot colour when in a call or not to be disturbed.
 * @cssproperty --synapse-color-offline - Dot colour when offline or unknown.
 * @cssproperty --synapse-color-text-muted - Colour of the "last seen" text.
 * @cssproperty --synapse-font-family - Font family.
 * @cssproperty --synapse-spacing - Base spacing unit.
 */
export class SynapsePresence extends SynapseElement {
  static override styles = [tokens, presenceStyles];

  static override properties = {
    userId: { type: String, attribute: 'user-id', reflect: true },
    compact: { type: Boolean, reflect: true },
  };

  /** Id of the user whose presence to show. */
  declare userId: string;
  /** Shows only the dot; the texts stay available to screen readers. */
  declare compact: boolean;

  private readonly presenceWatch = new PresenceController(this, this.clients, () => this.userId);
  private readonly clock = new ClockController(this, 15_000);

  constructor() {
    super();
    this.userId = '';
    this.compact = false;
  }

  /**
   * The user's current status: `online`, `away`, `busy`, `dnd`, `offline`, or `unknown` until
   * the server has answered. Also reflected as the `status` attribute for styling.
   */
  get status(): PresenceStatus | 'unknown' {
    return this.presenceWatch.presence?.status ?? 'unknown';
  }

  /** The last moment the user was seen (ms since the epoch), or null. */
  get lastSeen(): number | null {
    return this.presenceWatch.presence?.lastSeen ?? null;
  }

  protected override updated(): void {
    this.setAttribute('status', this.status);
    const lastSeen = this.status === 'offline' ? this.lastSeen : null;
    this.clock.run(
      lastSeen !== null,
      lastSeen ? relativeRefreshMs(lastSeen, Date.now()) : undefined,
    );
  }

  protected override render(): TemplateResult {
    const t = this.locale.t;
    const status = this.status;
    const now = this.clock.now;
    const lastSeen = status === 'offline' ? this.lastSeen : null;
    return html`<span part="base">
      <span part="dot" class="dot" data-status=${status} aria-hidden="true"></span>
      <span class="text">
        <span part="label">${t.status[status]}</span>
        ${
          lastSeen
            ? html`<span part="last-seen"
                >${t.lastSeen(formatRelative(this.locale.lang, lastSeen, now))}</span
              >`
            : nothing
        }
      </span>
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-presence': SynapsePresence;
  }
}
