import { SynapseError, mediaError } from '../errors';

/** An audio device as `enumerateDevices` reports it. */
export interface AudioDevice {
  deviceId: string;
  label: string;
  groupId: string;
}

export interface AudioDevices {
  inputs: AudioDevice[];
  outputs: AudioDevice[];
}

/** Whether this environment can do WebRTC audio at all (false in Node/SSR). */
export function mediaSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function' &&
    typeof RTCPeerConnection !== 'undefined'
  );
}

/** Lists microphones and speakers. Labels are empty until the page has had microphone access. */
export async function listAudioDevices(): Promise<AudioDevices> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) {
    return { inputs: [], outputs: [] };
  }
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) =>
    all
      .filter((d) => d.kind === kind)
      .map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

/**
 * Calls `listener` with the new device lists whenever a device is plugged in or out
 * (`devicechange`). Returns the unsubscribe function; a no-op where there are no devices.
 */
export function onDevicesChanged(listener: (devices: AudioDevices) => void): () => void {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.addEventListener) return () => undefined;
  const handler = () => {
    listAudioDevices().then(listener, () => undefined);
  };
  md.addEventListener('devicechange', handler);
  return () => md.removeEventListener('devicechange', handler);
}

/** Whether `setOutputDevice` can work here (`HTMLMediaElement.setSinkId`). */
export function outputSelectionSupported(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * Whether the page already holds microphone permission, so opening it shows no prompt. False
 * where the Permissions API cannot tell (it cannot query `microphone` in every browser).
 */
export async function microphoneGranted(): Promise<boolean> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
    return status.state === 'granted';
  } catch {
    return false;
  }
}

/**
 * Opens the microphone. `deviceId` undefined or 'default' means the system default.
 * Failures become typed errors (NotAllowedError → `media-permission-denied`, …).
 */
export async function getMicrophone(
  deviceId: string | undefined,
  constraints: MediaTrackConstraints,
): Promise<MediaStreamTrack> {
  if (!mediaSupported()) {
    throw new SynapseError('media-failed', 'getUserMedia is not available in this environment');
  }
  const audio: MediaTrackConstraints = { ...constraints };
  if (deviceId && deviceId !== 'default') audio.deviceId = { exact: deviceId };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: false });
    const track = stream.getAudioTracks()[0];
    if (!track) throw new SynapseError('media-device-not-found', 'No audio track');
    return track;
  } catch (err) {
    throw mediaError(err);
  }
}

/**
 * Whether this browser can share a screen (`getDisplayMedia`; missing on most phones). Show a
 * "Share screen" button only where this is true.
 */
export function screenShareSupported(): boolean {
  return mediaSupported() && typeof navigator.mediaDevices.getDisplayMedia === 'function';
}

/** Lists cameras. Labels are empty until the page has had camera access. */
export async function listCameras(): Promise<AudioDevice[]> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices())
    .filter((d) => d.kind === 'videoinput')
    .map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
}
