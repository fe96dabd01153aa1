/**
 * The video e2e page: the sdk-core media page (`window.harness`, `window.media`) plus
 * `window.video`, which drives the current call's camera and screen share and reports what is
 * received: remote video tracks, whether their frames decode (`requestVideoFrameCallback` on a
 * real `<video>`), and whether they ended.
 */
import { isSynapseError, type RemoteVideo } from '../../../sdk-core/src/index';
import { Track, type Room } from 'livekit-client';
import { current } from './media-e2e-page';

/** Every remote video the current call reported, also after it was removed. */
const seen: RemoteVideo[] = [];
let watched: unknown = null;

function call() {
  const c = current();
  if (!c) throw new Error('no call');
  if (watched !== c) {
    watched = c;
    seen.push(...c.remoteVideos);
    c.on('remoteVideoAdded', (v) => seen.push(v));
  }
  return c;
}

/** Runs `step` and answers 'ok' or the SynapseError code it threw. */
async function outcome(step: () => Promise<void>): Promise<string> {
  try {
    await step();
    return 'ok';
  } catch (err) {
    return isSynapseError(err) ? err.code : String(err);
  }
}

const video = {
  startScreenShare: () => outcome(() => call().startScreenShare()),
  stopScreenShare: () => outcome(() => call().stopScreenShare()),
  setCamera: (on: boolean) => outcome(() => call().setCamera(on)),
  /** The current call's video snapshot. */
  snapshot: () => call().snapshot().video,
  /** The local track of `source`: its readyState, or null when not sending. */
  local: (source: 'camera' | 'screen') => call().localVideo(source)?.readyState ?? null,
  /**
   * The newest remote video of `source` received: `live`, `ended` (its track ended), `removed`
   * (the call no longer lists it, its track not ended: LiveKit keeps receiver tracks for reuse),
   * or null when none ever arrived.
   */
  remote(source: 'camera' | 'screen'): 'live' | 'ended' | 'removed' | null {
    const c = call();
    const last = seen.filter((v) => v.source === source).at(-1);
    if (!last) return null;
    if (last.track.readyState === 'ended') return 'ended';
    return c.remoteVideos.includes(last) ? 'live' : 'removed';
  },
  /**
   * Attaches the current remote video of `source` to a `<video>` in the page and resolves once
   * `frames` frames were presented, with their size; rejects after `timeoutMs`.
   */
  async decodes(
    source: 'camera' | 'screen',
    frames = 5,
    timeoutMs = 10_000,
  ): Promise<{ width: number; height: number; frames: number; ms: number }> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    let remote: RemoteVideo | undefined;
    while (!(remote = call().remoteVideos.find((v) => v.source === source))) {
      if (performance.now() > deadline) throw new Error(`no remote ${source} video`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const el = document.createElement('video');
    el.width = 320;
    el.height = 240;
    document.body.append(el);
    call().attachVideo(remote, el);
    void el.play().catch(() => undefined);
    let count = 0;
    const size = await new Promise<{ width: number; height: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${source}: ${count} frames`)),
        deadline - performance.now(),
      );
      const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
        if (++count >= frames && meta.width > 0) {
          clearTimeout(timer);
          resolve({ width: meta.width, height: meta.height });
        } else el.requestVideoFrameCallback(onFrame);
      };
      el.requestVideoFrameCallback(onFrame);
    });
    remote.detach(el);
    el.remove();
    return { ...size, frames: count, ms: Math.round(performance.now() - started) };
  },
};

declare global {
  interface Window {
    video: typeof video;
    publishCameraAnyway: typeof publishCameraAnyway;
  }
}
window.video = video;

/**
 * LiveKit only: publishes the camera straight through the room, past the SDK's own checks, as a
 * modified client would. Answers 'ok' or why the room refused.
 */
async function publishCameraAnyway(): Promise<string> {
  const room = (call().media as { livekitRoom?: Room | null } | null)?.livekitRoom;
  if (!room) return 'no room';
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const track = stream.getVideoTracks()[0]!;
  try {
    await room.localParticipant.publishTrack(track, { source: Track.Source.Camera });
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    track.stop();
  }
}
window.publishCameraAnyway = publishCameraAnyway;
