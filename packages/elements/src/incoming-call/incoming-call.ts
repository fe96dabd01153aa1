import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { IncomingCallController } from '../controllers/incoming-call-controller';
import type { NotifyPrompt } from '../notify/notify-prompt';
import { deepActiveElement } from '../internal/focus';
import type { TabBadge } from '../internal/tab-badge';
import { SynapseElement } from '../internal/synapse-element';
import { tokens } from '../styles/tokens';
import { incomingCallStyles } from './incoming-call.styles';
import { translationFor, type Translation } from '../i18n/translations';
import type { Call } from '@synapse-calling/sdk-core';

/** How long the note about a call that went away stays up. */
const NOTICE_VISIBLE_MS = 6_000;

/**
 * Shows incoming calls one at a time: who is calling and their role, Accept and Decline, and a
 * ringtone synthesised with WebAudio. Focus moves to Accept when a call arrives and returns to
 * where it was afterwards; a live region announces the call. Keyboard: Enter accepts (focus
 * starts on Accept), Escape declines, M mutes or unmutes the ringtone. Further incoming calls
 * queue behind the first. `<synapse-calling>` includes one unless it has `no-call-ui`.
 *
 * While a call rings the tab's title says who calls and its icon gets a red dot (`no-tab-badge`
 * turns that off). With `notify`, a call ringing while the tab is hidden or unfocused also shows
 * a system notification (Accept and Decline where the page has the Synapse service worker; it
 * closes when the call stops ringing). The browser's permission is asked only when the user
 * clicks "turn on" in a short explanation the element shows first; a refusal changes nothing
 * else. See docs/notifications.md.
 *
 * @summary Incoming call prompt with ringtone, accept and decline.
 * @tag synapse-incoming-call
 *
 * @fires synapse-call-accept - The user accepted the call.
 * @fires synapse-call-decline - The user declined the call.
 * @fires synapse-call-state - The shown call changed state.
 * @fires synapse-call-error - Accepting or declining failed.
 * @fires synapse-ringtone-change - The ringtone started or stopped (`detail.ringing`).
 *
 * @csspart dialog - The `<dialog>` card.
 * @csspart title - "Incoming call".
 * @csspart caller - The caller's name.
 * @csspart role - The caller's role.
 * @csspart queue - "1 more call waiting".
 * @csspart actions - The row of buttons.
 * @csspart accept - The Accept button.
 * @csspart decline - The Decline button.
 * @csspart mute-ringtone - The ringtone mute toggle.
 * @csspart shortcuts - The keyboard hint.
 * @csspart notice - Why a prompt went away without an answer here ("answered on another device", "hung up", "missed"), shown for a few seconds; `data-reason` holds the end reason.
 * @csspart announcer - The live region (visually hidden).
 * @csspart notify-prompt - With `notify`: why the page wants notifications, before the browser asks.
 * @csspart notify-enable - The button that asks the browser for the permission.
 * @csspart notify-dismiss - "Not now" (remembered in this browser).
 *
 * @cssproperty --synapse-color-success - Accept button background.
 * @cssproperty --synapse-color-danger - Decline button background.
 * @cssproperty --synapse-color-background - Card background.
 * @cssproperty --synapse-color-border - Card border.
 * @cssproperty --synapse-shadow - Card shadow.
 * @cssproperty --synapse-radius - Corner radius.
 * @cssproperty --synapse-offset - Distance of the card from the bottom-right corner.
 * @cssproperty --synapse-z-index - Stacking order of the card.
 */
export class SynapseIncomingCall extends SynapseElement {
  static override styles = [tokens, incomingCallStyles];

  static override properties = {
    ringtoneMuted: { type: Boolean, attribute: 'ringtone-muted', reflect: true },
    noRingtone: { type: Boolean, attribute: 'no-ringtone', reflect: true },
    inline: { type: Boolean, reflect: true },
    notify: { type: Boolean, reflect: true },
    noTabBadge: { type: Boolean, attribute: 'no-tab-badge', reflect: true },
  };

  /** Mutes the ringtone (toggled by the mute button and the M key). */
  declare ringtoneMuted: boolean;
  /** Never plays a ringtone (the host page rings some other way). */
  declare noRingtone: boolean;
  /** Renders in the document flow instead of as a floating card in the corner. */
  declare inline: boolean;
  /**
   * Shows a system notification when a call rings while the tab is hidden or unfocused (after
   * the user turned notifications on from the explanation this element shows).
   */
  declare notify: boolean;
  /** Leaves the tab's title and icon alone while a call rings. */
  declare noTabBadge: boolean;

  private readonly controller = new IncomingCallController(this, this.clients, () => ({
    muted: this.ringtoneMuted,
    silent: this.noRingtone,
  }));
  /** Loaded the first time `notify` is set: pages that never opt in do not download it. */
  private notifications: NotifyPrompt | undefined | null;
  private badge: Promise<TabBadge> | undefined;
  /** The tab title asked for last (null: none), so that only the latest change applies. */
  private badgeTitle: string | null = null;
  private shownCallId: string | undefined;
  private returnFocusTo: HTMLElement | null = null;
  private notice: { reason: string; text: string } | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.ringtoneMuted = false;
    this.noRingtone = false;
    this.inline = false;
    this.notify = false;
    this.noTabBadge = false;
  }

  /** Whether the ringtone is sounding now (also the `ringing` attribute). */
  get ringing(): boolean {
    return this.controller.ringing;
  }

  /** Number of incoming calls ringing, the shown one included. */
  get pending(): number {
    return this.controller.queue.length;
  }

  /** Accepts the shown call. */
  accept(): Promise<void> {
    return this.controller.accept();
  }

  /** Declines the shown call. */
  decline(): Promise<void> {
    return this.controller.decline();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.notify || this.notifications !== undefined) return;
    this.notifications = null;
    void import('../notify/notify-prompt').then(({ NotifyPrompt }) => {
      this.notifications = new NotifyPrompt(this, this.clients, () => ({
        enabled: this.notify,
        text: (call) => {
          const t = this.locale.t;
          return {
            title: t.incoming.title,
            body: `${callerLine(t, call)} · ${t.role(call.peer.role)}`,
            accept: t.incoming.accept,
            decline: t.incoming.decline,
          };
        },
      }));
      this.requestUpdate();
    });
  }

  protected override updated(): void {
    this.toggleAttribute('ringing', this.ringing);
    const dialog = this.renderRoot.querySelector('dialog');
    const current = this.controller.current;
    this.setTabBadge(
      current && !this.noTabBadge ? `${this.locale.t.incoming.title} — ${current.peer.name}` : null,
    );
    if (!dialog) return;
    if (current && current.id !== this.shownCallId) {
      if (!this.shownCallId) this.returnFocusTo = deepActiveElement();
      this.shownCallId = current.id;
      if (!dialog.open) dialog.show();
      this.renderRoot.querySelector<HTMLButtonElement>('[part=accept]')?.focus();
    } else if (!current && this.shownCallId) {
      this.showGone(this.shownCallId);
      this.shownCallId = undefined;
      const hadFocus = this.matches(':focus-within') || deepActiveElement() === document.body;
      dialog.close();
      if (hadFocus && this.returnFocusTo?.isConnected) this.returnFocusTo.focus();
      this.returnFocusTo = null;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.setTabBadge(null);
    this.shownCallId = undefined;
    clearTimeout(this.noticeTimer);
  }

  /** The tab's title and icon say who calls while a call rings (`title`), as the page had them else. */
  private setTabBadge(title: string | null): void {
    if (title === this.badgeTitle) return;
    this.badgeTitle = title;
    this.badge ??= import('../internal/tab-badge').then((m) => new m.TabBadge());
    void this.badge.then((badge) => {
      if (title !== this.badgeTitle) return;
      if (title) badge.show(title);
      else badge.hide();
    });
  }

  /**
   * A prompt that just vanishes is confusing: say why it went away (answered in another tab,
   * the caller hung up, nobody answered) for a few seconds. Accept and decline need no note.
   */
  private showGone(callId: string): void {
    const ended = this.clients.client?.calls.lastEnded;
    const reason = ended?.id === callId ? ended.endReason : undefined;
    const text =
      reason === 'answered-elsewhere' || reason === 'cancelled' || reason === 'missed'
        ? this.locale.t.incoming.gone[reason]?.(ended?.peer.name ?? '')
        : undefined;
    clearTimeout(this.noticeTimer);
    this.notice = text && reason ? { reason, text } : undefined;
    if (this.notice) {
      this.noticeTimer = setTimeout(() => {
        this.notice = undefined;
        this.requestUpdate();
      }, NOTICE_VISIBLE_MS);
    }
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    const t = this.locale.t;
    const call = this.controller.current;
    const more = this.controller.queue.length - 1;
    const announcement = call ? `${t.incoming.title}: ${callerLine(t, call)}` : '';
    return html`<dialog
        part="dialog"
        aria-labelledby="title caller"
        aria-describedby="shortcuts"
        @keydown=${this.onKeydown}
        @cancel=${this.onCancel}
      >
        ${
          call
            ? html`<p part="title" id="title">${t.incoming.title}</p>
                <p part="caller" id="caller">${callerLine(t, call)}</p>
                <p part="role">${t.role(call.peer.role)}</p>
                ${more > 0 ? html`<p part="queue">${t.incoming.more(more)}</p>` : nothing}
                <div part="actions">
                  <button part="accept" type="button" @click=${() => this.controller.accept(call)}>
                    ${t.incoming.accept}
                  </button>
                  <button
                    part="decline"
                    type="button"
                    @click=${() => this.controller.decline(call)}
                  >
                    ${t.incoming.decline}
                  </button>
                  <button
                    part="mute-ringtone"
                    type="button"
                    aria-pressed=${this.ringtoneMuted ? 'true' : 'false'}
                    ?hidden=${this.noRingtone}
                    @click=${this.toggleRingtone}
                  >
                    ${this.ringtoneMuted ? t.incoming.unmuteRingtone : t.incoming.muteRingtone}
                  </button>
                </div>
                <p part="shortcuts" id="shortcuts">${t.incoming.shortcuts}</p>`
            : nothing
        }
      </dialog>
      ${!call && this.notifications?.asking ? this.renderNotifyPrompt() : nothing}
      <p
        part="notice"
        role="status"
        data-reason=${this.notice?.reason ?? nothing}
        ?hidden=${!this.notice}
      >
        ${this.notice?.text ?? ''}
      </p>
      <div part="announcer" class="visually-hidden" aria-live="assertive">${announcement}</div>`;
  }

  private renderNotifyPrompt(): TemplateResult {
    const prompt = this.notifications as NotifyPrompt;
    const n = prompt.strings(this.locale.t);
    return html`<div part="notify-prompt" role="region" aria-labelledby="notify-text">
      <p id="notify-text">${n.explain}</p>
      <button part="notify-enable" type="button" @click=${prompt.enable}>${n.enable}</button>
      <button part="notify-dismiss" type="button" @click=${prompt.dismiss}>${n.dismiss}</button>
    </div>`;
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.composedPath()[0];
    const onButton = target instanceof HTMLButtonElement;
    if (event.key === 'Escape') {
      event.preventDefault();
      void this.controller.decline();
    } else if (event.key === 'Enter' && !onButton) {
      event.preventDefault();
      void this.controller.accept();
    } else if (event.key.toLowerCase() === 'm') {
      event.preventDefault();
      this.toggleRingtone();
    }
  }

  /** A modal-style `cancel` (Escape) must not just close the dialog: it declines. */
  private onCancel(event: Event): void {
    event.preventDefault();
  }

  private toggleRingtone(): void {
    this.ringtoneMuted = !this.ringtoneMuted;
  }
}

/** "Carol is calling", or for a transfer "Transfer from Alice: Carol". */
function callerLine(t: Translation, call: Call): string {
  const transfer = call.pendingTransfer;
  const from = transfer && (t.incoming.transferFrom ?? translationFor('en').incoming.transferFrom);
  return from ? from(transfer.by.name, call.peer.name) : t.incoming.callerIsCalling(call.peer.name);
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-incoming-call': SynapseIncomingCall;
  }
}
