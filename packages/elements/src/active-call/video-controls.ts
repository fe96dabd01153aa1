import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import type { ActiveCallController } from '../controllers/active-call-controller';
import type { Translation } from '../i18n/translations';
import { videoStrings } from '../i18n/video-strings';
import type {
  Call,
  CallVideoSnapshot,
  VideoSource,
  mediaSupported,
} from '@synapse-calling/sdk-core';

// A lazy chunk, loaded by <synapse-active-call> once a call is active (`video-slot.ts`): what it needs of lit and
// sdk-core comes in `Kit`, because a runtime import of either would make the bundler move that
// code into a chunk every page loads.

/** What this chunk needs of the main bundle. */
export interface Kit {
  html: typeof litHtml;
  nothing: typeof litNothing;
  mediaSupported: typeof mediaSupported;
}

// The panel renders again on video changes through the client's snapshot store, which every
// element follows; failures are reported through `run` (`synapse-call-error`, action `video`).
export type Controls = Pick<ActiveCallController, 'run'>;

/** The `stopped` list whose notice the user dismissed, per call. */
const dismissed = new WeakMap<Call, readonly VideoSource[]>();

/**
 * "Share screen" and "Camera" toggles of the controls row, while the call is active, each only
 * where the browser can do it (phones have no `getDisplayMedia`).
 */
export function toggles(
  { html, nothing, mediaSupported }: Kit,
  _host: HTMLElement,
  t: Translation,
  call: Call,
  video: CallVideoSnapshot,
  c: Controls,
): TemplateResult | typeof nothing {
  if (call.state !== 'active' || !mediaSupported()) return nothing;
  const v = videoStrings(t);
  return html`${
      // sdk-core's `screenShareSupported()`, which this chunk cannot import (see `Kit`).
      typeof navigator.mediaDevices.getDisplayMedia === 'function'
        ? html`<button
            part="share-screen"
            type="button"
            aria-pressed=${video.screen ? 'true' : 'false'}
            @click=${() =>
              c.run('video', () =>
                call.localVideo('screen') ? call.stopScreenShare() : call.startScreenShare(),
              )}
          >
            ${v.shareScreen}
          </button>`
        : nothing
    }<button
      part="camera"
      type="button"
      aria-pressed=${video.camera ? 'true' : 'false'}
      @click=${() => c.run('video', () => call.setCamera(!call.localVideo('camera')))}
    >
      ${v.camera}
    </button>`;
}

let stageLoading: Promise<unknown> | undefined;

/**
 * The stage, while the call has video (its code is fetched the first time; the panel grows into
 * the video layout: attribute `video`), a live region that tells screen readers when the other
 * party shares their screen, and the notice that this user's video stopped when the call moved
 * to this page.
 */
export function view(
  { html, nothing }: Kit,
  host: HTMLElement,
  t: Translation,
  call: Call,
  video: CallVideoSnapshot,
  c: Controls,
): TemplateResult {
  const show = video.camera || video.screen || video.remoteCamera || video.remoteScreen;
  host.toggleAttribute('video', show);
  if (show) stageLoading ??= import('../video-stage/video-stage');
  const v = videoStrings(t);
  // The video layout's styles travel with this chunk: wider while the call has video (the
  // `video` attribute), back to the compact panel without; pressed toggles outlined.
  return html`<style>
      :host([video]) [part='base'] {
        max-width: min(720px, calc(100vw - 32px));
        width: min(720px, calc(100vw - 32px));
      }
      [part='share-screen'][aria-pressed='true'],
      [part='camera'][aria-pressed='true'] {
        outline: 2px solid var(--synapse-color-success, #16a34a);
      }</style
    >${
      show
        ? html`<synapse-video-stage
            part="stage"
            lang=${t.lang}
            .call=${call}
            .video=${video}
            .onError=${(error: unknown) => c.run('video', () => Promise.reject(error))}
          ></synapse-video-stage>`
        : nothing
    }<span part="video-status" class="visually-hidden" role="status"
      >${video.remoteScreen ? v.sharing(call.peer.name) : ''}</span
    >${
      // Until the user turns it on again (a new, empty list) or dismisses the notice.
      video.stopped.length && dismissed.get(call) !== video.stopped
        ? html`<p part="video-stopped" role="status">
            ${v.stopped(video.stopped.includes('camera'), video.stopped.includes('screen'))}
            <button
              part="dismiss-video-stopped"
              type="button"
              @click=${() => c.run('video', () => void dismissed.set(call, video.stopped))}
            >
              ${v.dismiss}
            </button>
          </p>`
        : nothing
    }`;
}
