/**
 * The video strings of the call panel in each shipped language (part of `Translation`); the
 * stage's own strings travel with its lazily loaded code (`video-stage/stage-strings.ts`).
 */
export interface VideoStrings {
  shareScreen: string;
  camera: string;
  /** Announced to screen readers while the other party shares. */
  sharing: (name: string) => string;
  /** This user's video that stopped when the call moved to this page (a reload). */
  stopped: (camera: boolean, screen: boolean) => string;
  dismiss: string;
}

export const enVideo: VideoStrings = {
  shareScreen: 'Share screen',
  camera: 'Camera',
  sharing: (name) => `${name} is sharing their screen`,
  stopped: (camera, screen) =>
    `${camera && screen ? 'Your camera and screen share' : camera ? 'Your camera' : 'Your screen share'} stopped when the call moved to this page: the other party no longer sees it.`,
  dismiss: 'Dismiss',
};

export const deVideo: VideoStrings = {
  shareScreen: 'Bildschirm teilen',
  camera: 'Kamera',
  sharing: (name) => `${name} teilt den Bildschirm`,
  stopped: (camera, screen) =>
    `${camera && screen ? 'Ihre Kamera und Ihre Bildschirmfreigabe wurden' : camera ? 'Ihre Kamera wurde' : 'Ihre Bildschirmfreigabe wurde'} beim Wechsel auf diese Seite beendet: die andere Seite sieht sie nicht mehr.`,
  dismiss: 'Schließen',
};
