import { html, nothing, type TemplateResult } from 'lit';
import { ActiveCallController } from '../controllers/active-call-controller';
import { ClockController } from '../controllers/clock-controller';
import { formatDuration } from '../i18n/format';
import type { Device } from '../internal/devices';
import { SynapseElement } from '../internal/synapse-element';
import { hangUpIcon } from '../styles/icons';
import { tokens } from '../styles/tokens';
import type { Call, CallQuality } from '@synapse-calling/sdk-core';
import { queueView } from './queue-view';
import { transferSlot } from './transfer-slot';
import { recordToggle, recordingView } from './recording-view';
import { videoSlot } from './video-slot';
import { activeCallStyles, recordingStyles } from './active-call.styles';

const QUALITY_LEVEL: Record<CallQuality, number> = {
  excellent: 3,
  good: 2,
  poor: 1,
  lost: 0,
  unknown: 0,
};

/**
 * The panel of the call in progress: who, for how long, mute, screen share and camera toggles
 * (the panel grows into a video layout while there is video), microphone and speaker pickers,
 * connection quality, a speaking indicator and End. Shows "Reconnecting…" during a network blip,
 * and a "Play audio" button when the browser blocked autoplay. Hidden while there is no call.
 * `<synapse-calling>` includes one unless it has `no-call-ui`.
 *
 * @summary Panel for the call in progress.
 * @tag synapse-active-call
 *
 * @fires synapse-call-state - The call changed state.
 * @fires synapse-call-end - The user pressed End.
 * @fires synapse-mute-change - The microphone was muted or unmuted.
 * @fires synapse-call-error - Muting, ending, picking a device, starting audio or recording
 *   failed (`detail.action` is `recording` for the latter).
 *
 * @csspart base - The panel.
 * @csspart header - Peer name and timer row.
 * @csspart peer - The other person's name.
 * @csspart timer - The call duration.
 * @csspart status - The row with state, quality and speaking indicator.
 * @csspart state - "Ringing…" / "Connecting…" before the call is active.
 * @csspart quality - The quality bars (`data-level` 0–3, `data-quality` the SDK's value; while
 *   `unknown` the bars are drawn as empty outlines).
 * @csspart speaking - The speaking indicator.
 * @csspart reconnecting - "Reconnecting…".
 * @csspart queue - "You are number 2 in line", while a call to a support line waits for an agent.
 * @csspart transfer - The `<synapse-transfer-controls>` (loaded on demand): for agents, Transfer
 *   (to an agent or a line of the tenant) and Cancel; for the other party, "Transferring you to
 *   Bob…". Style inside it through its own parts.
 * @csspart recording-notice - "This call is being recorded", shown to both parties while it is.
 * @csspart recording-status - The live region announcing recording changes.
 * @csspart record - The record / stop recording toggle (agents; hidden by `no-record`).
 * @csspart consent - The request to allow recording, shown to the party asked.
 * @csspart consent-allow - Allows recording.
 * @csspart consent-decline - Declines recording.
 * @csspart audio-blocked - The autoplay-blocked notice.
 * @csspart start-audio - The button that starts blocked audio.
 * @csspart controls - The button row.
 * @csspart mute - The mute toggle.
 * @csspart share-screen - The screen share toggle (where the browser can share a screen).
 * @csspart camera - The camera toggle.
 * @csspart stage - The `<synapse-video-stage>` shown while the call has video (the panel grows
 *   into a video layout, attribute `video`); style inside it through its own parts.
 * @csspart video-status - The live region announcing the other party's screen share.
 * @csspart video-stopped - The notice that this user's camera or screen share stopped when the
 *   call moved to this page (a reload); the other party no longer sees it.
 * @csspart dismiss-video-stopped - Its Dismiss button.
 * @csspart end - The End button.
 * @csspart devices - The device pickers.
 * @csspart microphone - The microphone `<select>`.
 * @csspart speaker - The speaker `<select>`.
 *
 * @cssproperty --synapse-color-danger - End button background.
 * @cssproperty --synapse-color-success - Quality bars and speaking indicator.
 * @cssproperty --synapse-color-warning - Reconnecting text and muted button.
 * @cssproperty --synapse-color-background - Panel background.
 * @cssproperty --synapse-color-surface - Button background.
 * @cssproperty --synapse-radius - Corner radius.
 * @cssproperty --synapse-offset - Distance of the panel from the bottom-right corner.
 * @cssproperty --synapse-z-index - Stacking order of the panel.
 */
export class SynapseActiveCall extends SynapseElement {
  static override styles = [tokens, activeCallStyles, recordingStyles];

  static override properties = {
    inline: { type: Boolean, reflect: true },
    noDevices: { type: Boolean, attribute: 'no-devices', reflect: true },
    noRecord: { type: Boolean, attribute: 'no-record', reflect: true },
  };

  /** Renders in the document flow instead of as a floating panel in the corner. */
  declare inline: boolean;
  /** Hides the microphone and speaker pickers. */
  declare noDevices: boolean;
  /** Hides the record button (agents see it by default). The recording notice always shows. */
  declare noRecord: boolean;

  private readonly controller = new ActiveCallController(this, this.clients);
  private readonly clock = new ClockController(this, 1000);

  constructor() {
    super();
    this.inline = false;
    this.noDevices = false;
    this.noRecord = false;
  }

  /** The call shown, if any (also the `open` attribute). */
  get call(): Call | undefined {
    return this.controller.call;
  }

  /** Ends the call shown. */
  end(): Promise<void> {
    return this.controller.end();
  }

  /** Mutes or unmutes the microphone. */
  toggleMute(): Promise<void> {
    return this.controller.toggleMute();
  }

  protected override updated(): void {
    const call = this.call;
    this.toggleAttribute('open', call !== undefined);
    this.toggleAttribute('speaking', this.controller.speaking);
    this.toggleAttribute('reconnecting', this.controller.reconnecting);
    this.toggleAttribute('muted', call?.muted ?? false);
    this.toggleAttribute('recording', call?.recording?.status === 'recording');
    if (call) this.setAttribute('call-state', call.state);
    else this.removeAttribute('call-state');
    this.clock.run(call?.state === 'active');
  }

  protected override render(): TemplateResult | typeof nothing {
    const call = this.call;
    if (!call) return nothing;
    const t = this.locale.t;
    const a = t.active;
    const active = call.state === 'active';
    const seconds =
      active && call.startedAt ? (this.clock.now - call.startedAt) / 1000 : call.duration;
    const quality = a.quality(a.qualityLevel[call.quality]);
    const c = this.controller;
    return html`<section part="base" aria-label=${a.title(call.peer.name)}>
      <div part="header">
        <p part="peer">${call.peer.name}</p>
        ${
          active
            ? html`<span part="timer" role="timer" aria-label=${a.duration}
                >${formatDuration(seconds)}</span
              >`
            : nothing
        }
      </div>
      <div part="status">
        ${
          active
            ? nothing
            : html`<span part="state"
                >${call.state === 'ringing' && call.direction === 'outgoing' ? a.ringing : a.connecting}</span
              >`
        }
        <span
          part="quality"
          role="img"
          aria-label=${quality}
          title=${quality}
          data-level=${QUALITY_LEVEL[call.quality]}
          data-quality=${call.quality}
          ><i></i><i></i><i></i
        ></span>
        <span part="speaking" aria-hidden=${c.speaking ? 'false' : 'true'}>${a.speaking}</span>
        <span part="reconnecting" role="status">${c.reconnecting ? a.reconnecting : ''}</span>
      </div>
      ${queueView(t, call)} ${recordingView(this.locale.t, call, c, this.clients.client?.user?.id)}
      ${transferSlot(call, this.clients.client?.user, this.locale.lang, this.loadTargets)}
      ${videoSlot(this, 'view', t, call, c)}
      ${
        call.audioBlocked
          ? html`<p part="audio-blocked">
              ${a.audioBlocked}
              <button part="start-audio" type="button" @click=${() => c.startAudio()}>
                ${a.enableAudio}
              </button>
            </p>`
          : nothing
      }
      <div part="controls">
        <button
          part="mute"
          type="button"
          aria-pressed=${call.muted ? 'true' : 'false'}
          @click=${() => c.toggleMute()}
        >
          ${call.muted ? a.unmute : a.mute}
        </button>
        ${videoSlot(this, 'toggles', t, call, c)}
        ${this.noRecord ? nothing : recordToggle(t, call, c)}
        <button part="end" type="button" @click=${() => c.end()}>${hangUpIcon} ${a.end}</button>
      </div>
      ${this.noDevices ? nothing : this.renderDevices()}
    </section>`;
  }

  private readonly loadTargets = () => {
    const client = this.clients.client;
    return client ? client.lines.transferTargets() : Promise.resolve({ agents: [], lines: [] });
  };

  private renderDevices(): TemplateResult {
    const a = this.locale.t.active;
    const c = this.controller;
    const options = (devices: Device[], selected: string, fallback: string) => html`
      <option value="" ?selected=${selected === ''}>${a.defaultDevice}</option>
      ${devices
        .filter((d) => d.deviceId && d.deviceId !== 'default')
        .map(
          (d, i) =>
            html`<option value=${d.deviceId} ?selected=${selected === d.deviceId}>
              ${d.label || `${fallback} ${i + 1}`}
            </option>`,
        )}
    `;
    return html`<div part="devices">
      <label
        >${a.microphone}
        <select part="microphone" @change=${(e: Event) => c.setInput(selectValue(e))}>
          ${options(c.devices.inputs, c.inputId, a.microphone)}
        </select></label
      >
      ${
        c.canPickOutput
          ? html`<label
              >${a.speaker}
              <select part="speaker" @change=${(e: Event) => c.setOutput(selectValue(e))}>
                ${options(c.devices.outputs, c.outputId, a.speaker)}
              </select></label
            >`
          : nothing
      }
    </div>`;
  }
}

function selectValue(event: Event): string {
  return (event.target as HTMLSelectElement).value;
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-active-call': SynapseActiveCall;
  }
}
