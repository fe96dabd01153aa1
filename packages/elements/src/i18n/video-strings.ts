/**
 * The video strings of the call panel in each shipped language (part of `Translation`); the
 * stage's own strings travel with its lazily loaded code (`video-stage/stage-strings.ts`).
 */
export interface VideoStrings {
  shareScreen: string;
  camera: string;
  /** Announced to screen readers while the other party shares. */
  sharing: (name: string) => string;
}

export const enVideo: VideoStrings = {
  shareScreen: 'Share screen',
  camera: 'Camera',
  sharing: (name) => `${name} is sharing their screen`,
};

export const deVideo: VideoStrings = {
  shareScreen: 'Bildschirm teilen',
  camera: 'Kamera',
  sharing: (name) => `${name} teilt den Bildschirm`,
};
