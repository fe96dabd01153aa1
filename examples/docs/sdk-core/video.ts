import type { Call } from '@synapse-calling/sdk-core';
import { screenShareSupported } from '@synapse-calling/sdk-core';
declare const call: Call;
declare const shareButton: HTMLButtonElement;
declare const stage: HTMLElement;

// #region video
shareButton.hidden = !screenShareSupported(); // no getDisplayMedia on most phones
shareButton.onclick = () =>
  void (call.localVideo('screen') ? call.stopScreenShare() : call.startScreenShare());

const shown = new Map<MediaStreamTrack, HTMLVideoElement>();
call.on('remoteVideoAdded', (video) => {
  const el = document.createElement('video');
  call.attachVideo(video, el); // LiveKit: also tells the SFU it is visible (adaptive stream)
  shown.set(video.track, el);
  stage.append(el);
});
call.on('remoteVideoRemoved', (video) => shown.get(video.track)?.remove());
await call.setCamera(true); // rejects `forbidden` when the server's canPublish says no
// #endregion video
