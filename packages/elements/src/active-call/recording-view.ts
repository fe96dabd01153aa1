import { html, nothing, type TemplateResult } from 'lit';
import type { ActiveCallController } from '../controllers/active-call-controller';
import type { Translation } from '../i18n/translations';
import type { Call } from '@synapse-calling/sdk-core';

type Controls = Pick<ActiveCallController, 'canRecord' | 'toggleRecording' | 'answerConsent'>;

const isLive = (call: Call) =>
  call.recording?.status === 'recording' || call.recording?.status === 'consent-pending';

/** The record / stop toggle of the controls row, for agents while the call is active. */
export function recordToggle(
  t: Translation,
  call: Call,
  c: Controls,
): TemplateResult | typeof nothing {
  if (!c.canRecord || call.state !== 'active') return nothing;
  const live = isLive(call);
  // One recording per call: once audio was captured, it cannot start again.
  const done = !live && call.recording?.startedAt !== undefined;
  return html`<button
    part="record"
    type="button"
    aria-pressed=${live ? 'true' : 'false'}
    ?disabled=${done}
    @click=${() => c.toggleRecording()}
  >
    <span class="rec-dot" aria-hidden="true"></span>${live ? t.recording.stop : t.recording.record}
  </button>`;
}

/**
 * The recording part of the call panel: the notice both parties see while the call is recorded,
 * the consent request for the party asked, and a live region that tells screen readers each
 * change.
 */
export function recordingView(
  t: Translation,
  call: Call,
  c: Controls,
  selfId: string | undefined,
): TemplateResult {
  const r = t.recording;
  const recording = call.recording;
  const status = recording?.status;
  const asked = status === 'consent-pending' && recording?.consentFrom === selfId;
  const announcement =
    status === 'recording'
      ? r.notice
      : status === 'consent-pending'
        ? asked
          ? r.consentQuestion(call.peer.name)
          : r.waiting(call.peer.name)
        : status === 'declined'
          ? r.declined
          : status === 'failed'
            ? r.failed
            : status === 'stopped'
              ? r.stopped
              : '';
  return html`${
      status === 'recording'
        ? html`<p part="recording-notice">
            <span class="rec-dot" aria-hidden="true"></span>${r.notice}
          </p>`
        : nothing
    }${
      asked
        ? html`<div part="consent" role="group" aria-label=${r.consentQuestion(call.peer.name)}>
            <p>${r.consentQuestion(call.peer.name)}</p>
            <button part="consent-allow" type="button" @click=${() => c.answerConsent(true)}>
              ${r.allow}
            </button>
            <button part="consent-decline" type="button" @click=${() => c.answerConsent(false)}>
              ${r.decline}
            </button>
          </div>`
        : nothing
    }<span part="recording-status" class="visually-hidden" role="status">${announcement}</span>`;
}
