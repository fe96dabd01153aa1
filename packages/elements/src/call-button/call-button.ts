import { html, nothing, type TemplateResult } from 'lit';
import { CallButtonController, type CallButtonState } from '../controllers/call-button-controller';
import type { LineStatusController } from '../controllers/line-status-controller';
import { PresenceController } from '../controllers/presence-controller';
import type { SynapseCallStateDetail } from '../events/call-state';
import { describeConnectionError, type Translation } from '../i18n/translations';
import { SynapseElement } from '../internal/synapse-element';
import { hangUpIcon, phoneIcon } from '../styles/icons';
import { tokens } from '../styles/tokens';
import type { CallEndReason, SynapseError } from '@synapse-calling/sdk-core';
import { callButtonStyles } from './call-button.styles';
import type { ButtonView } from './line-view';

type LineView = typeof import('./line-view');

let nextId = 0;

/** How long "Declined", "Missed"… stays next to the button after a call ends. */
const OUTCOME_VISIBLE_MS = 8_000;

/**
 * A button that calls one person. It shows their presence, is disabled with a visible
 * explanation while they cannot be called (offline, in another call, do not disturb), and
 * follows the call: click to call, click again to cancel while it rings, click to hang up.
 * With `line` instead of `user-id` it calls a support line ("Call Support") and shows the
 * line's status under it (agents available, all busy with the expected wait, closed).
 *
 * @summary Call one person; shows their presence and the call's progress.
 * @tag synapse-call-button
 *
 * @slot icon - Replaces the handset icon.
 *
 * @fires synapse-call-start - Before the call is placed; cancelable (`preventDefault()` vetoes it).
 * @fires synapse-call-state - When the call with this person changes state.
 * @fires synapse-call-end - When the user cancels or hangs up with this button.
 * @fires synapse-call-error - When placing, answering or ending the call fails.
 *
 * @csspart button - The native button.
 * @csspart icon - The icon wrapper (slot `icon`).
 * @csspart dot - The presence dot inside the button.
 * @csspart label - The button's text.
 * @csspart outcome - How the last call ended ("Declined", "Missed", "Busy"…), shown for a few seconds after it ends; `data-reason` holds the end reason.
 * @csspart hint - The visible explanation shown while the button is disabled.
 * @csspart line-status - With `line`: the line's status ("Agents available", "All agents busy — expected wait ~2 min").
 *
 * @cssproperty --synapse-color-accent - Button background when a call can be placed.
 * @cssproperty --synapse-color-on-accent - Button text colour.
 * @cssproperty --synapse-color-danger - Button background while calling or in a call.
 * @cssproperty --synapse-color-surface - Button background while disabled.
 * @cssproperty --synapse-color-focus - Focus ring colour.
 * @cssproperty --synapse-radius - Corner radius.
 * @cssproperty --synapse-font-family - Font family.
 * @cssproperty --synapse-spacing - Base spacing unit.
 */
export class SynapseCallButton extends SynapseElement {
  static override styles = [tokens, callButtonStyles];

  static override properties = {
    userId: { type: String, attribute: 'user-id', reflect: true },
    line: { type: String, reflect: true },
    name: { type: String, reflect: true },
    metadata: { attribute: false },
  };

  /** Id of the person to call. */
  declare userId: string;
  /** Id of a support line to call instead of a person (docs/lines.md); the server picks the agent. */
  declare line: string;
  /** Their display name, used in labels ("Call Alex"); defaults to the user id (a line: its name). */
  declare name: string;
  /** JSON metadata sent with the call (a CRM record id, a subject). */
  declare metadata: Record<string, unknown> | undefined;
  /** What the live region says (set from the controller's callbacks, so not a reactive property). */
  private announcement = '';
  /** How the last call ended ("Declined", "No answer"…), shown for a few seconds after it ends. */
  private outcome: { reason: string; text: string } | undefined;
  private outcomeTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly presenceWatch = new PresenceController(this, this.clients, () =>
    this.line ? '' : this.userId,
  );
  private readonly controller = new CallButtonController(this, this.clients, this.presenceWatch, {
    target: () => ({
      userId: this.line ? '' : this.userId,
      line: this.line || undefined,
      name: this.displayName,
      metadata: this.metadata,
    }),
    stateChanged: (detail) => this.onCallState(detail),
    failed: () => this.announce(this.locale.t.button.failed(this.displayName)),
    lineStatus: () => this.lineWatch?.status,
  });
  /**
   * The line button's view and words, loaded on first use: pages without a line button (most)
   * keep the initial bundle small (docs/performance.md).
   */
  private lineView: LineView | undefined;
  /** Fetches the line's status; created with the lazily loaded line view. */
  private lineWatch: LineStatusController | undefined;
  private lineViewLoading = false;
  private readonly hintId = `synapse-call-button-hint-${nextId++}`;

  constructor() {
    super();
    this.userId = '';
    this.line = '';
    this.name = '';
  }

  /**
   * What the button currently does or why it is disabled: `idle`, `calling`, `incoming`,
   * `in-call`, `busy`, `unavailable`, `offline`, `self-busy`, `self`, `connecting`,
   * `connection-failed` (the hint says why), `checking` or, for a line, `closed`. Also reflected
   * as the `state` attribute.
   */
  get state(): CallButtonState {
    return this.controller.state;
  }

  /** Whether the button is disabled (the person cannot be called now). */
  get disabled(): boolean {
    return !this.controller.actionable;
  }

  /** Moves focus to the inner button. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('button')?.focus(options);
  }

  /** Does what a click does: call, cancel, answer or hang up. */
  activate(): Promise<void> {
    return this.controller.activate();
  }

  private get displayName(): string {
    if (this.line) return this.name || this.lineWatch?.status?.name || this.line;
    return this.name || this.controller.call?.peer.name || this.userId;
  }

  protected override updated(): void {
    this.setAttribute('state', this.state);
  }

  protected override render(): TemplateResult {
    const t = this.locale.t;
    const state = this.state;
    const error = this.clients.client?.connectionError ?? null;
    const line = this.line ? this.lineWatch?.status : undefined;
    const lv = this.line ? this.loadLineView() : undefined;
    let view = buttonView(t, state, this.displayName, error);
    if (lv) view = lv.lineButtonView(t, state, this.displayName, line, view);
    // Closed: the hint says so already.
    const lineText = lv && line?.open && !this.controller.call ? lv.lineStatusText(t, line) : '';
    const status = this.presenceWatch.presence?.status ?? 'unknown';
    return html`<button
        part="button"
        type="button"
        ?disabled=${!this.controller.actionable}
        aria-describedby=${view.hint ? this.hintId : nothing}
        title=${view.hint ?? view.text + view.rest}
        @click=${this.onClick}
      >
        <span part="icon"
          ><slot name="icon"
            >${state === 'in-call' || state === 'calling' ? hangUpIcon : phoneIcon}</slot
          ></span
        >
        <span part="dot" class="dot" data-status=${status} aria-hidden="true"></span>
        <span part="label">${view.text}</span><span class="visually-hidden">${view.rest}</span>
      </button>
      <span part="hint" id=${this.hintId} ?hidden=${!view.hint}>${view.hint ?? ''}</span>
      <span part="line-status" ?hidden=${!lineText}>${lineText}</span>
      <span part="outcome" data-reason=${this.outcome?.reason ?? nothing} ?hidden=${!this.outcome}
        >${this.outcome?.text ?? ''}</span
      >
      <span class="visually-hidden" role="status" aria-live="polite">${this.announcement}</span>`;
  }

  private loadLineView(): LineView | undefined {
    if (!this.lineView && !this.lineViewLoading) {
      this.lineViewLoading = true;
      void import('./line-view').then((m) => {
        this.lineView = m;
        this.lineWatch = new m.LineStatusController(this, this.clients, () => this.line);
        this.requestUpdate();
      });
    }
    return this.lineView;
  }

  private onClick(): void {
    void this.controller.activate();
  }

  private onCallState(detail: SynapseCallStateDetail): void {
    if (detail.state === 'ended') this.lineWatch?.refresh();
    this.showOutcome(detail.state === 'ended' ? detail.endReason : undefined);
    this.announce(this.describeCallState(detail.state));
  }

  /**
   * The caller must see that a call was declined or not answered, not just a button back at
   * "Call"; the outcome stays until the next call or a few seconds pass.
   */
  private showOutcome(reason: CallEndReason | null | undefined): void {
    clearTimeout(this.outcomeTimer);
    this.outcome =
      reason && reason !== 'completed' && reason !== 'cancelled'
        ? { reason, text: this.locale.t.history.outcome[reason] }
        : undefined;
    if (this.outcome) {
      this.outcomeTimer = setTimeout(() => {
        this.outcome = undefined;
        this.requestUpdate();
      }, OUTCOME_VISIBLE_MS);
    }
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.outcomeTimer);
  }

  private announce(text: string): void {
    this.announcement = text;
    this.requestUpdate();
  }

  private describeCallState(state: string): string {
    const t = this.locale.t;
    const name = this.displayName;
    if (state === 'ringing' || state === 'connecting') return `${t.active.calling} ${name}`;
    if (state === 'active') return t.active.title(name);
    if (state === 'ended') {
      return this.outcome ? `${t.button.ended(name)} ${this.outcome.text}.` : t.button.ended(name);
    }
    return '';
  }
}

/**
 * Visible text, the rest of the accessible name (visually hidden, after the text) and, when the
 * button is disabled, the explanation (for `connection-failed`, what `error` means).
 */
function buttonView(
  t: Translation,
  state: CallButtonState,
  name: string,
  error: SynapseError | null,
): ButtonView {
  const b = t.button;
  const disabled = (text: string, hint?: string) => ({ text, rest: b.disabledName(name), hint });
  switch (state) {
    case 'idle':
    case 'checking':
      return { text: b.call, rest: b.callName(name) };
    case 'calling':
      return { text: b.calling, rest: b.cancelName(name) };
    case 'incoming':
      return { text: b.answer, rest: b.answerName(name) };
    case 'in-call':
      return { text: b.inCall, rest: b.endName(name) };
    case 'busy':
      return disabled(b.busy, b.busyHint(name));
    case 'unavailable':
      return disabled(b.unavailable, b.dndHint(name));
    case 'offline':
      return disabled(b.offline, b.offlineHint(name));
    case 'self-busy':
      return disabled(b.call, b.selfBusyHint);
    case 'self':
      return disabled(b.call, b.selfHint);
    case 'connecting':
      return disabled(b.connecting, b.noClientHint);
    case 'closed':
      return disabled(b.call);
    case 'connection-failed':
      return disabled(
        t.connection.disconnected,
        error ? describeConnectionError(t, error) : b.noClientHint,
      );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-call-button': SynapseCallButton;
  }
}
