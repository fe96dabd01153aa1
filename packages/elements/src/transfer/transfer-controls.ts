import type { Call, TransferTargetsResponse } from '@synapse-calling/sdk-core';
import { transferStrings, type TransferStrings } from './transfer-strings';

// No lit, no sdk-core at runtime: this module is a lazy chunk (see video-stage.ts for why).

const STYLE = `
:host { display: block; }
[hidden] { display: none !important; }
ul { list-style: none; margin: 4px 0; padding: 0; display: grid; gap: 4px; }
[part='transfer-picker'] { margin-top: 6px; }
[part='transfer-error'] { color: var(--synapse-color-danger, #c62828); }
button { font: inherit; }
`;

const TEMPLATE = `<style>${STYLE}</style>
<p part="transfer-status" role="status"></p>
<button part="transfer-complete" type="button" hidden></button>
<button part="transfer-cancel" type="button" hidden></button>
<button part="transfer-open" type="button" aria-expanded="false" hidden></button>
<div part="transfer-picker" role="group" hidden>
<p part="transfer-heading"></p>
<label><span part="transfer-mode-label"></span> <select part="transfer-mode">
<option value="blind"></option><option value="warm"></option></select></label>
<p part="transfer-note"></p>
<ul part="transfer-targets"></ul>
<button part="transfer-close" type="button"></button>
</div>
<p part="transfer-error" role="alert"></p>`;

/** What `<synapse-active-call>` hands the controls at each render. */
export interface TransferView {
  call: Call;
  /** This user's id. */
  self: string | undefined;
  /** Whether this user is an agent (only agents transfer). */
  agent: boolean;
  /** Loads the targets (`client.lines.transferTargets`). */
  load: () => Promise<TransferTargetsResponse>;
}

/**
 * Transfer controls of a call, shown inside `<synapse-active-call>`, which loads this code only
 * when an agent is in an active call or a transfer is under way. An agent opens a list of the
 * tenant's agents (with presence) and lines, chooses Blind or Warm, and picks one. Blind: the
 * target rings while the call goes on; when they answer, this agent leaves. Warm: when they
 * answer, this agent talks with them ("Consulting Bob", with Complete transfer and Cancel) while
 * the other party sees "On hold — Alice is consulting". While it rings, the agent sees
 * "Transferring to Bob…" with Cancel; the other party sees "Transferring you to Bob…".
 *
 * @summary Transfer controls of the call in progress.
 * @tag synapse-transfer-controls
 *
 * @csspart transfer-status - What the transfer is doing (a live region).
 * @csspart transfer-open - Opens the list of transfer targets (agents only).
 * @csspart transfer-cancel - Cancels the transfer while its target rings or while consulting.
 * @csspart transfer-complete - Completes a warm transfer while consulting.
 * @csspart transfer-mode - The Blind/Warm choice (a `<select>`) in the list.
 * @csspart transfer-mode-label - Its label.
 * @csspart transfer-picker - The list of agents and lines.
 * @csspart transfer-note - "Loading…", or "Nobody to transfer to" when the list is empty.
 * @csspart transfer-targets - The `<ul>` of targets; each one a button (`data-to` / `data-line`).
 * @csspart transfer-close - Closes the list.
 * @csspart transfer-error - Why the last transfer failed.
 */
export class SynapseTransferControls extends HTMLElement {
  private readonly root: ShadowRoot;
  private current: TransferView | undefined;
  private open = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = TEMPLATE;
    this.part_('transfer-open').addEventListener('click', () => void this.toggle());
    this.part_('transfer-close').addEventListener('click', () => void this.toggle());
    this.part_('transfer-cancel').addEventListener('click', () => {
      void this.run(() => this.current?.call.cancelTransfer());
    });
    this.part_('transfer-complete').addEventListener('click', () => {
      void this.run(() => this.current?.call.completeTransfer());
    });
    // Lit may set `view` before this code loaded and upgraded the element: that landed as an
    // own property that would hide the accessor below, so hand it to the accessor.
    const early = this as unknown as Record<string, unknown>;
    if (Object.hasOwn(this, 'view')) {
      const value = early.view;
      delete early.view;
      early.view = value;
    }
  }

  /** The call and who looks at it; setting it re-renders. */
  get view(): TransferView | undefined {
    return this.current;
  }
  set view(view: TransferView | undefined) {
    this.current = view;
    this.render();
  }

  private get strings(): TransferStrings {
    return transferStrings(this.getAttribute('lang') ?? document.documentElement.lang ?? 'en');
  }

  private render(): void {
    const v = this.current;
    if (!v) return;
    const s = this.strings;
    const t = v.call.pendingTransfer;
    const mine = t?.by.id === v.self;
    const consulting = t?.state === 'consulting';
    this.part_('transfer-status').textContent = !t
      ? ''
      : consulting
        ? mine
          ? s.consulting(t.to.name)
          : t.to.id === v.self
            ? s.consultedBy(t.by.name)
            : s.onHold(t.by.name)
        : mine
          ? s.ringing(t.to.name)
          : s.transferring(t.to.name);
    const cancel = this.part_('transfer-cancel');
    cancel.hidden = !mine;
    cancel.textContent = consulting ? s.cancelConsult : s.cancel;
    const complete = this.part_('transfer-complete');
    complete.hidden = !(mine && consulting);
    complete.textContent = s.complete;
    this.part_('transfer-mode-label').textContent = s.mode;
    this.part_('transfer-mode').setAttribute('aria-label', s.mode);
    const [blind, warm] = this.part_('transfer-mode').querySelectorAll('option');
    if (blind) blind.textContent = s.blind;
    if (warm) warm.textContent = s.warm;
    const canOpen = v.agent && !t && v.call.state === 'active';
    if (!canOpen) this.open = false;
    const opener = this.part_('transfer-open');
    opener.hidden = !canOpen;
    opener.textContent = s.transfer;
    opener.setAttribute('aria-expanded', String(this.open));
    const picker = this.part_('transfer-picker');
    picker.hidden = !this.open;
    picker.setAttribute('aria-label', s.to);
    this.part_('transfer-heading').textContent = s.to;
    this.part_('transfer-close').textContent = s.close;
  }

  private async toggle(): Promise<void> {
    this.open = !this.open;
    this.part_('transfer-error').textContent = '';
    this.render();
    if (!this.open) return this.part_('transfer-open').focus();
    const list = this.part_('transfer-targets');
    const note = this.part_('transfer-note');
    list.textContent = '';
    note.textContent = this.strings.loading;
    try {
      this.fill(list, (await this.current?.load()) ?? { agents: [], lines: [] });
      note.textContent = list.childElementCount ? '' : this.strings.none;
    } catch (err) {
      note.textContent = '';
      this.part_('transfer-error').textContent = this.strings.failed(messageOf(err));
    }
  }

  private fill(list: HTMLElement, { agents, lines }: TransferTargetsResponse): void {
    const s = this.strings;
    list.textContent = '';
    const add = (label: string, enabled: boolean, target: { to: string } | { toLine: string }) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = label;
      button.disabled = !enabled;
      if ('to' in target) button.dataset.to = target.to;
      else button.dataset.line = target.toLine;
      button.addEventListener('click', () => {
        void this.run(async () => {
          const mode = (this.part_('transfer-mode') as HTMLSelectElement).value;
          await this.current?.call.transfer(target, { mode: mode === 'warm' ? 'warm' : 'blind' });
          this.open = false;
        });
      });
      item.append(button);
      list.append(item);
    };
    for (const a of agents) {
      const free = a.status === 'online' || a.status === 'away';
      add(`${a.name} (${s.status[a.status] ?? a.status})`, free, { to: a.id });
    }
    for (const l of lines)
      add(`${l.name} (${s.available(l.agentsAvailable)})`, l.agentsAvailable > 0, { toLine: l.id });
    list.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  }

  private async run(action: () => Promise<unknown> | undefined): Promise<void> {
    const error = this.part_('transfer-error');
    error.textContent = '';
    try {
      await action();
    } catch (err) {
      error.textContent = this.strings.failed(messageOf(err));
    }
    this.render();
  }

  private part_(name: string): HTMLElement {
    return this.root.querySelector(`[part='${name}']`) as HTMLElement;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

if (typeof customElements !== 'undefined' && !customElements.get('synapse-transfer-controls')) {
  customElements.define('synapse-transfer-controls', SynapseTransferControls);
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-transfer-controls': SynapseTransferControls;
  }
}
