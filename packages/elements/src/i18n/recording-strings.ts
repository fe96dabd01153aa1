/** The recording strings of each shipped language (part of `Translation`, kept apart for size). */
export interface RecordingStrings {
  /** The persistent notice both parties see while the call is recorded. */
  notice: string;
  record: string;
  stop: string;
  waiting: (name: string) => string;
  consentQuestion: (name: string) => string;
  allow: string;
  decline: string;
  stopped: string;
  declined: string;
  failed: string;
  /** The history's mark on a recorded call. */
  mark: string;
  partial: string;
  play: string;
  download: string;
}

export const enRecording: RecordingStrings = {
  notice: 'This call is being recorded',
  record: 'Record',
  stop: 'Stop recording',
  waiting: (name) => `Waiting for ${name} to allow recording…`,
  consentQuestion: (name) => `${name} would like to record this call.`,
  allow: 'Allow recording',
  decline: 'Decline',
  stopped: 'Recording stopped',
  declined: 'Recording was declined',
  failed: 'Recording stopped: it failed',
  mark: 'Recorded',
  partial: 'Recorded (incomplete)',
  play: 'Play recording',
  download: 'Download recording',
};

export const deRecording: RecordingStrings = {
  notice: 'Dieses Gespräch wird aufgezeichnet',
  record: 'Aufzeichnen',
  stop: 'Aufzeichnung beenden',
  waiting: (name) => `Warte, bis ${name} der Aufzeichnung zustimmt…`,
  consentQuestion: (name) => `${name} möchte dieses Gespräch aufzeichnen.`,
  allow: 'Aufzeichnung erlauben',
  decline: 'Ablehnen',
  stopped: 'Aufzeichnung beendet',
  declined: 'Die Aufzeichnung wurde abgelehnt',
  failed: 'Aufzeichnung abgebrochen: ein Fehler ist aufgetreten',
  mark: 'Aufgezeichnet',
  partial: 'Aufgezeichnet (unvollständig)',
  play: 'Aufzeichnung abspielen',
  download: 'Aufzeichnung herunterladen',
};
