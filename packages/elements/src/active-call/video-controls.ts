import { html, nothing, type TemplateResult } from 'lit';
import type { ActiveCallController } from '../controllers/active-call-controller';
import type { Translation } from '../i18n/translations';
import {
  mediaSupported,
  screenShareSupported,
  type Call,
  type CallVideoSnapshot,
} from '@synapse-calling/sdk-core';

type Controls = Pick<
  ActiveCallController,
  'toggleScreenShare' | 'toggleCamera' | 'videoError' | 'stoppedShown' | 'dismissStopped'
>;

/** Whether the call has any video, sent or received: the panel then shows the stage. */
export const hasVideo = (v: CallVideoSnapshot | undefined): boolean =>
  !!v && (v.camera || v.screen || v.remoteCamera || v.remoteScreen);

/**
 * "Share screen" and "Camera" toggles of the controls row, while the call is active, each only
 * where the browser can do it (phones have no `getDisplayMedia`).
 */
export function videoToggles(
  t: Translation,
  call: Call,
  video: CallVideoSnapshot,
  c: Controls,
): TemplateResult | typeof nothing {
  if (call.state !== 'active' || !mediaSupported()) return nothing;
  const v = t.video;
  return html`${
      screenShareSupported()
        ? html`<button
            part="share-screen"
            type="button"
            aria-pressed=${video.screen ? 'true' : 'false'}
            @click=${() => c.toggleScreenShare()}
          >
            ${v.shareScreen}
          </button>`
        : nothing
    }<button
      part="camera"
      type="button"
      aria-pressed=${video.camera ? 'true' : 'false'}
      @click=${() => c.toggleCamera()}
    >
      ${v.camera}
    </button>`;
}

let stageLoading: Promise<unknown> | undefined;

/**
 * The stage, while the call has video (its code is fetched the first time), and a live region
 * that tells screen readers when the other party shares their screen.
 */
export function videoView(
  t: Translation,
  lang: string,
  call: Call,
  video: CallVideoSnapshot,
  c: Controls,
): TemplateResult {
  const show = hasVideo(video);
  if (show) stageLoading ??= import('../video-stage/video-stage');
  return html`${
      show
        ? html`<synapse-video-stage
            part="stage"
            lang=${lang}
            .call=${call}
            .video=${video}
            .onError=${c.videoError}
          ></synapse-video-stage>`
        : nothing
    }<span part="video-status" class="visually-hidden" role="status"
      >${video.remoteScreen ? t.video.sharing(call.peer.name) : ''}</span
    >${
      c.stoppedShown
        ? html`<p part="video-stopped" role="status">
            ${t.video.stopped(video.stopped.includes('camera'), video.stopped.includes('screen'))}
            <button part="dismiss-video-stopped" type="button" @click=${() => c.dismissStopped()}>
              ${t.video.dismiss}
            </button>
          </p>`
        : nothing
    }`;
}
