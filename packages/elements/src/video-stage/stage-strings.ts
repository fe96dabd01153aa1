/** The stage's strings, by language; loaded with the stage, so audio-only pages never carry them. */
export interface StageStrings {
  stage: string;
  /** Caption of the other party's screen share. */
  sharing: (name: string) => string;
  cameraOf: (name: string) => string;
  selfView: string;
  fullScreen: string;
  exitFullScreen: string;
  cameraPicker: string;
  camera: string;
}

const en: StageStrings = {
  stage: 'Video',
  sharing: (name) => `${name} is sharing their screen`,
  cameraOf: (name) => `${name}'s camera`,
  selfView: 'Your camera',
  fullScreen: 'Full screen',
  exitFullScreen: 'Exit full screen',
  cameraPicker: 'Camera device',
  camera: 'Camera',
};

const de: StageStrings = {
  stage: 'Video',
  sharing: (name) => `${name} teilt den Bildschirm`,
  cameraOf: (name) => `Kamera von ${name}`,
  selfView: 'Ihre Kamera',
  fullScreen: 'Vollbild',
  exitFullScreen: 'Vollbild beenden',
  cameraPicker: 'Kameragerät',
  camera: 'Kamera',
};

/** The strings for `lang` (its primary subtag), English when the language is not shipped. */
export function stageStrings(lang: string): StageStrings {
  return lang.toLowerCase().split('-')[0] === 'de' ? de : en;
}
