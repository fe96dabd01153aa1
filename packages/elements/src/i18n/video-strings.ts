import type { Translation } from './translations';

/**
 * The video strings of the call panel in each shipped language. They load with the panel's
 * video controls (`active-call/video-controls.ts`, a lazy chunk), and the stage's own strings
 * with the stage (`video-stage/stage-strings.ts`); a table registered with `video` overrides them.
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

const en: VideoStrings = {
  shareScreen: 'Share screen',
  camera: 'Camera',
  sharing: (name) => `${name} is sharing their screen`,
  stopped: (camera, screen) =>
    `${camera && screen ? 'Your camera and screen share' : camera ? 'Your camera' : 'Your screen share'} stopped when the call moved to this page: the other party no longer sees it.`,
  dismiss: 'Dismiss',
};

const de: VideoStrings = {
  shareScreen: 'Bildschirm teilen',
  camera: 'Kamera',
  sharing: (name) => `${name} teilt den Bildschirm`,
  stopped: (camera, screen) =>
    `${camera && screen ? 'Ihre Kamera und Ihre Bildschirmfreigabe wurden' : camera ? 'Ihre Kamera wurde' : 'Ihre Bildschirmfreigabe wurde'} beim Wechsel auf diese Seite beendet: die andere Seite sieht sie nicht mehr.`,
  dismiss: 'Schließen',
};

const STRINGS: Record<string, VideoStrings> = { en, de };

/** The video strings of `t`'s language (English when it ships none). */
export function videoStrings(t: Translation): VideoStrings {
  return t.video ?? STRINGS[t.lang.split('-')[0] as string] ?? en;
}
