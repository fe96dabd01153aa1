import type { Call, CallVideoSnapshot, VideoSource } from '@synapse-calling/sdk-core';
import { stageStrings } from './stage-strings';

// No lit, no sdk-core at runtime: this module is a lazy chunk, and any runtime import it shared
// with the main bundle would make the bundler move that code into a chunk every page loads.

const STYLE = `
:host { display: block; }
[part='stage'] { display: grid; gap: 8px; }
figure { position: relative; margin: 0; }
video { display: block; width: 100%; border-radius: 8px; background: #000; }
[part='screen'] { max-height: 60vh; object-fit: contain; }
[part='screen-tile']:fullscreen [part='screen'] { max-height: 100vh; height: 100%; }
[part='camera-tile'] { max-width: 240px; }
[part='self-view'] { max-width: 120px; transform: scaleX(-1); }
figcaption { font-size: 0.85em; }
[part='fullscreen'] { position: absolute; top: 6px; right: 6px; }
[hidden] { display: none !important; }
`;

const TEMPLATE = `<style>${STYLE}</style><div part="stage" role="region">
<figure part="screen-tile" hidden><video part="screen" muted playsinline></video>
<button part="fullscreen" type="button" aria-pressed="false"></button><figcaption></figcaption></figure>
<figure part="camera-tile" hidden><video part="remote-camera" muted playsinline></video><figcaption></figcaption></figure>
<video part="self-view" muted playsinline hidden></video>
<label hidden><span></span> <select part="camera-picker"></select></label>
</div>`;

/**
 * The video of a call: the other party's screen share large (with a full-screen toggle), their
 * camera as a tile, and this user's camera as a small mirrored self-view with a camera picker.
 * `<synapse-active-call>` shows it, and loads its code, only while the call has video; it sets
 * `call` and `video` (a new snapshot re-renders); the strings follow the
 * `lang` attribute (or the document's) at each render.
 *
 * @summary The video layout of a call.
 * @tag synapse-video-stage
 *
 * @csspart stage - The region holding the videos.
 * @csspart screen-tile - The other party's screen share and its caption.
 * @csspart screen - Its `<video>`.
 * @csspart fullscreen - The full-screen toggle of the screen share.
 * @csspart camera-tile - The other party's camera and its caption.
 * @csspart remote-camera - Its `<video>`.
 * @csspart self-view - This user's camera (mirrored).
 * @csspart camera-picker - The camera `<select>`.
 */
export class SynapseVideoStage extends HTMLElement {
  /** Told when switching cameras or full screen fails (the panel fires `synapse-call-error`). */
  declare onError: ((error: unknown) => void) | undefined;
  private currentCall: Call | undefined;
  private snapshot: CallVideoSnapshot | undefined;
  private readonly shown = new WeakMap<HTMLVideoElement, MediaStreamTrack>();
  private readonly root: ShadowRoot;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = TEMPLATE;
    this.part_('fullscreen').addEventListener('click', () => void this.toggleFullscreen());
    this.part_('screen-tile').addEventListener('fullscreenchange', () => this.render());
    this.part_('camera-picker').addEventListener('change', (event) => {
      const deviceId = (event.target as HTMLSelectElement).value;
      this.currentCall?.setCamera(true, deviceId).catch((error: unknown) => this.onError?.(error));
    });
    // Lit may set properties before this code loaded and upgraded the element: those landed as
    // own properties that would hide the accessors below, so hand them to the accessors.
    const early = this as unknown as Record<string, unknown>;
    for (const key of ['call', 'video']) {
      if (!Object.hasOwn(this, key)) continue;
      const value = early[key];
      delete early[key];
      early[key] = value;
    }
  }

  /** The call whose video is shown. */
  get call(): Call | undefined {
    return this.currentCall;
  }
  set call(call: Call | undefined) {
    this.currentCall = call;
    this.render();
  }

  /** The call's video snapshot; setting a new one re-renders. */
  get video(): CallVideoSnapshot | undefined {
    return this.snapshot;
  }
  set video(video: CallVideoSnapshot | undefined) {
    this.snapshot = video;
    this.render();
  }

  private part_<T extends HTMLElement = HTMLElement>(name: string): T {
    return this.root.querySelector(`[part='${name}']`) as T;
  }

  private render(): void {
    const call = this.currentCall;
    const v = this.snapshot;
    if (!call || !v) return;
    const s = stageStrings(this.lang || document.documentElement.lang || 'en');
    const name = call.peer.name;
    this.part_('stage').setAttribute('aria-label', s.stage);
    const screenTile = this.part_('screen-tile');
    screenTile.hidden = !v.remoteScreen;
    screenTile.querySelector('figcaption')!.textContent = s.sharing(name);
    const full = document.fullscreenElement === screenTile;
    const toggle = this.part_('fullscreen');
    toggle.textContent = full ? s.exitFullScreen : s.fullScreen;
    toggle.setAttribute('aria-pressed', String(full));
    const cameraTile = this.part_('camera-tile');
    cameraTile.hidden = !v.remoteCamera;
    cameraTile.querySelector('figcaption')!.textContent = s.cameraOf(name);
    this.showRemote('screen', this.part_('screen'));
    this.showRemote('camera', this.part_('remote-camera'));

    const self = this.part_<HTMLVideoElement>('self-view');
    const picker = this.root.querySelector('label')!;
    self.hidden = picker.hidden = !v.camera;
    self.setAttribute('aria-label', s.selfView);
    picker.querySelector('span')!.textContent = s.cameraPicker;
    const camera = call.localVideo('camera');
    if (camera && this.shown.get(self) !== camera) {
      this.shown.set(self, camera);
      call.attachVideo(camera, self);
      void this.listCameras(camera, s.camera);
    }
  }

  private showRemote(source: VideoSource, el: HTMLVideoElement): void {
    const remote = this.currentCall?.remoteVideos.find((r) => r.source === source);
    if (remote && this.shown.get(el) !== remote.track) {
      this.shown.set(el, remote.track);
      this.currentCall?.attachVideo(remote, el);
    }
  }

  private async listCameras(current: MediaStreamTrack, fallback: string): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const selected = current.getSettings().deviceId;
    const select = this.part_<HTMLSelectElement>('camera-picker');
    select.replaceChildren(
      ...all
        .filter((d) => d.kind === 'videoinput')
        .map(
          (d, i) =>
            new Option(
              d.label || `${fallback} ${i + 1}`,
              d.deviceId,
              false,
              d.deviceId === selected,
            ),
        ),
    );
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await this.part_('screen-tile').requestFullscreen();
    } catch (error) {
      this.onError?.(error);
    }
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('synapse-video-stage')) {
  customElements.define('synapse-video-stage', SynapseVideoStage);
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-video-stage': SynapseVideoStage;
  }
}
