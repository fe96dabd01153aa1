import type {
  CallEndReason,
  CallQuality,
  PresenceStatus,
  SynapseError,
} from '@synapse-calling/sdk-core';
import type { LineStrings } from './line-strings';
import { deRecording, enRecording, type RecordingStrings } from './recording-strings';
import type { LineStatusStrings } from './line-status-strings';
import type { VideoStrings } from './video-strings';

/**
 * Every user-visible string of the elements. Functions take what the sentence needs; dates and
 * numbers are formatted by `Intl` in the chosen language, not here.
 */
export interface Translation {
  /** BCP 47 tag the table is for, used for Intl formatting. */
  lang: string;
  status: Record<PresenceStatus | 'unknown', string>;
  lastSeen: (relative: string) => string;
  role: (role: string) => string;
  connection: {
    connecting: string;
    reconnecting: string;
    disconnected: string;
    /** Why calling is not connected (`client.connectionError`), on buttons and `<synapse-calling>`. */
    originNotAllowed: string;
    /** "Could not sign in to calling: " + one of the reasons below. */
    signInFailed: (reason: string) => string;
    tokenHttp: (status: number) => string;
    tokenNetwork: string;
    tokenNotAToken: string;
    tokenProvider: string;
    tokenRefused: string;
    /** Any other reason (a timeout, retries given up). */
    failed: string;
  };
  button: {
    call: string;
    calling: string;
    inCall: string;
    busy: string;
    offline: string;
    unavailable: string;
    connecting: string;
    /**
     * The rest of the button's accessible name, read after its visible text (which must come
     * first in the name, WCAG 2.5.3): "Call" + " Carl Customer".
     */
    callName: (name: string) => string;
    cancelName: (name: string) => string;
    endName: (name: string) => string;
    /** For the disabled states: "Offline" + ": Carl Customer". */
    disabledName: (name: string) => string;
    offlineHint: (name: string) => string;
    busyHint: (name: string) => string;
    dndHint: (name: string) => string;
    selfBusyHint: string;
    selfHint: string;
    noClientHint: string;
    failed: (name: string) => string;
    answer: string;
    answerName: (name: string) => string;
    ended: (name: string) => string;
  };
  incoming: {
    title: string;
    callerIsCalling: (name: string) => string;
    /** A call an agent transfers to this user: "Transfer from Alice: Carol Chen". */
    transferFrom?: (by: string, name: string) => string;
    accept: string;
    decline: string;
    muteRingtone: string;
    unmuteRingtone: string;
    more: (count: number) => string;
    shortcuts: string;
    /** Shown briefly when a ringing call goes away without this tab answering it. */
    gone: Partial<Record<'answered-elsewhere' | 'cancelled' | 'missed', (name: string) => string>>;
  };
  /**
   * The explanation `<synapse-incoming-call notify>` shows before the browser asks for the
   * notification permission. The shipped languages' strings are loaded with the rest of the
   * notification code (`notify/notify-prompt.ts`), so pages that never opt in do not download
   * them; a table registered with `notify` overrides them.
   */
  notify?: {
    /** Why the page wants to show notifications, shown before the browser asks. */
    explain: string;
    enable: string;
    dismiss: string;
  };
  active: {
    title: (name: string) => string;
    calling: string;
    connecting: string;
    reconnecting: string;
    /** While a call to a support line waits for an agent: the caller's place. */
    queuePosition: (position: number) => string;
    mute: string;
    unmute: string;
    muted: string;
    microphone: string;
    speaker: string;
    defaultDevice: string;
    end: string;
    quality: (label: string) => string;
    qualityLevel: Record<CallQuality, string>;
    speaking: string;
    enableAudio: string;
    audioBlocked: string;
    duration: string;
    ringing: string;
  };
  history: {
    title: string;
    empty: string;
    loading: string;
    loadMore: string;
    error: string;
    retry: string;
    incoming: string;
    outgoing: string;
    inProgress: string;
    ringing: string;
    outcome: Record<CallEndReason, string>;
    callBack: string;
    callBackLabel: (name: string) => string;
  };
  recording: RecordingStrings;
  /**
   * `<synapse-line-status>`'s words. The shipped languages' strings load with its view
   * (`i18n/line-status-strings.ts`); a table registered with `lineStatus` overrides them.
   */
  lineStatus?: LineStatusStrings;
  /**
   * The call panel's video words. The shipped languages' strings load with the panel's video
   * controls (`i18n/video-strings.ts`), once a call is active; a table registered with `video`
   * overrides them.
   */
  video?: VideoStrings;
  /**
   * `<synapse-call-button line>`'s words. The shipped languages' strings load with the line
   * button's view (`i18n/line-strings.ts`), so pages without one do not download them; a table
   * registered with `line` overrides them.
   */
  line?: LineStrings;
}

const en: Translation = {
  lang: 'en',
  status: {
    online: 'Online',
    away: 'Away',
    busy: 'In a call',
    dnd: 'Do not disturb',
    offline: 'Offline',
    unknown: 'Unknown',
  },
  lastSeen: (relative) => `last seen ${relative}`,
  role: (role) => ({ agent: 'Agent', customer: 'Customer' })[role] ?? role,
  connection: {
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    disconnected: 'Not connected',
    originNotAllowed: "This page's address is not allowed by the calling server.",
    signInFailed: (reason) => `Could not sign in to calling: ${reason}.`,
    tokenHttp: (status) => `the sign-in service answered HTTP ${status}`,
    tokenNetwork: 'the sign-in service could not be reached',
    tokenNotAToken: 'the sign-in service did not answer with a token',
    tokenProvider: 'the page could not get a token',
    tokenRefused: 'the calling server did not accept the token',
    failed: 'Calling could not connect.',
  },
  button: {
    call: 'Call',
    calling: 'Calling…',
    inCall: 'End call',
    busy: 'Busy',
    offline: 'Offline',
    unavailable: 'Unavailable',
    connecting: 'Connecting…',
    callName: (name) => ` ${name}`,
    cancelName: (name) => ` ${name}, activate to cancel`,
    endName: (name) => ` with ${name}`,
    disabledName: (name) => `: ${name}`,
    offlineHint: (name) => `${name} is offline and cannot be called.`,
    busyHint: (name) => `${name} is in another call.`,
    dndHint: (name) => `${name} does not want to be disturbed.`,
    selfBusyHint: 'You are already in a call.',
    selfHint: 'This is you.',
    noClientHint: 'Calling is not connected.',
    failed: (name) => `The call to ${name} failed.`,
    answer: 'Answer',
    answerName: (name) => ` ${name}`,
    ended: (name) => `The call with ${name} has ended.`,
  },
  incoming: {
    title: 'Incoming call',
    callerIsCalling: (name) => `${name} is calling`,
    transferFrom: (by, name) => `Transfer from ${by}: ${name}`,
    accept: 'Accept',
    decline: 'Decline',
    muteRingtone: 'Mute ringtone',
    unmuteRingtone: 'Unmute ringtone',
    more: (count) => (count === 1 ? '1 more call waiting' : `${count} more calls waiting`),
    shortcuts: 'Press Enter to accept, Escape to decline.',
    gone: {
      'answered-elsewhere': (name) => `Call from ${name} answered on another device`,
      cancelled: (name) => `${name} hung up`,
      missed: (name) => `Missed call from ${name}`,
    },
  },
  active: {
    title: (name) => `Call with ${name}`,
    calling: 'Calling…',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    queuePosition: (position) => `You are number ${position} in line`,
    mute: 'Mute',
    unmute: 'Unmute',
    muted: 'Microphone muted',
    microphone: 'Microphone',
    speaker: 'Speaker',
    defaultDevice: 'Default',
    end: 'End call',
    quality: (label) => `Connection: ${label}`,
    qualityLevel: {
      excellent: 'excellent',
      good: 'good',
      poor: 'poor',
      lost: 'lost',
      unknown: 'unknown',
    },
    speaking: 'Speaking',
    enableAudio: 'Play audio',
    audioBlocked: 'Your browser blocked the call audio.',
    duration: 'Duration',
    ringing: 'Ringing…',
  },
  history: {
    title: 'Recent calls',
    empty: 'No calls yet.',
    loading: 'Loading…',
    loadMore: 'Load more',
    error: 'Could not load the call history.',
    retry: 'Try again',
    incoming: 'Incoming',
    outgoing: 'Outgoing',
    inProgress: 'In progress',
    ringing: 'Ringing',
    outcome: {
      completed: 'Completed',
      cancelled: 'Cancelled',
      rejected: 'Declined',
      busy: 'Busy',
      missed: 'Missed',
      failed: 'Could not connect',
      disconnected: 'Disconnected',
      'answered-elsewhere': 'Answered elsewhere',
      abandoned: 'Hung up while waiting',
    },
    callBack: 'Call back',
    callBackLabel: (name) => `Call ${name} back`,
  },
  recording: enRecording,
};

const de: Translation = {
  lang: 'de',
  status: {
    online: 'Online',
    away: 'Abwesend',
    busy: 'Im Gespräch',
    dnd: 'Nicht stören',
    offline: 'Offline',
    unknown: 'Unbekannt',
  },
  lastSeen: (relative) => `zuletzt gesehen ${relative}`,
  role: (role) => ({ agent: 'Mitarbeiter', customer: 'Kunde' })[role] ?? role,
  connection: {
    connecting: 'Verbinde…',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    disconnected: 'Nicht verbunden',
    originNotAllowed: 'Die Adresse dieser Seite ist für den Telefonie-Server nicht freigegeben.',
    signInFailed: (reason) => `Anmeldung bei der Telefonie fehlgeschlagen: ${reason}.`,
    tokenHttp: (status) => `der Anmeldedienst antwortete mit HTTP ${status}`,
    tokenNetwork: 'der Anmeldedienst ist nicht erreichbar',
    tokenNotAToken: 'der Anmeldedienst lieferte kein Token',
    tokenProvider: 'die Seite konnte kein Token abrufen',
    tokenRefused: 'der Telefonie-Server hat das Token nicht angenommen',
    failed: 'Die Telefonie konnte keine Verbindung herstellen.',
  },
  button: {
    call: 'Anrufen',
    calling: 'Ruft an…',
    inCall: 'Auflegen',
    busy: 'Besetzt',
    offline: 'Offline',
    unavailable: 'Nicht erreichbar',
    connecting: 'Verbinde…',
    callName: (name) => `: ${name}`,
    cancelName: (name) => ` ${name}, zum Abbrechen aktivieren`,
    endName: (name) => `: ${name}`,
    disabledName: (name) => `: ${name}`,
    offlineHint: (name) => `${name} ist offline und kann nicht angerufen werden.`,
    busyHint: (name) => `${name} ist in einem anderen Gespräch.`,
    dndHint: (name) => `${name} möchte nicht gestört werden.`,
    selfBusyHint: 'Sie sind bereits in einem Gespräch.',
    selfHint: 'Das sind Sie.',
    noClientHint: 'Die Telefonie ist nicht verbunden.',
    failed: (name) => `Der Anruf an ${name} ist fehlgeschlagen.`,
    answer: 'Annehmen',
    answerName: (name) => `: ${name}`,
    ended: (name) => `Das Gespräch mit ${name} ist beendet.`,
  },
  incoming: {
    title: 'Eingehender Anruf',
    callerIsCalling: (name) => `${name} ruft an`,
    transferFrom: (by, name) => `Weiterleitung von ${by}: ${name}`,
    accept: 'Annehmen',
    decline: 'Ablehnen',
    muteRingtone: 'Klingelton aus',
    unmuteRingtone: 'Klingelton an',
    more: (count) => (count === 1 ? '1 weiterer Anruf wartet' : `${count} weitere Anrufe warten`),
    shortcuts: 'Eingabetaste nimmt an, Escape lehnt ab.',
    gone: {
      'answered-elsewhere': (name) => `Anruf von ${name} auf einem anderen Gerät angenommen`,
      cancelled: (name) => `${name} hat aufgelegt`,
      missed: (name) => `Verpasster Anruf von ${name}`,
    },
  },
  active: {
    title: (name) => `Gespräch mit ${name}`,
    calling: 'Ruft an…',
    connecting: 'Verbinde…',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    queuePosition: (position) => `Sie sind Nummer ${position} in der Warteschlange`,
    mute: 'Stumm',
    unmute: 'Stumm aus',
    muted: 'Mikrofon stumm',
    microphone: 'Mikrofon',
    speaker: 'Lautsprecher',
    defaultDevice: 'Standard',
    end: 'Auflegen',
    quality: (label) => `Verbindung: ${label}`,
    qualityLevel: {
      excellent: 'sehr gut',
      good: 'gut',
      poor: 'schlecht',
      lost: 'unterbrochen',
      unknown: 'unbekannt',
    },
    speaking: 'Spricht',
    enableAudio: 'Ton abspielen',
    audioBlocked: 'Der Browser hat den Ton des Gesprächs blockiert.',
    duration: 'Dauer',
    ringing: 'Klingelt…',
  },
  history: {
    title: 'Letzte Anrufe',
    empty: 'Noch keine Anrufe.',
    loading: 'Lädt…',
    loadMore: 'Mehr laden',
    error: 'Die Anrufliste konnte nicht geladen werden.',
    retry: 'Erneut versuchen',
    incoming: 'Eingehend',
    outgoing: 'Ausgehend',
    inProgress: 'Läuft',
    ringing: 'Klingelt',
    outcome: {
      completed: 'Beendet',
      cancelled: 'Abgebrochen',
      rejected: 'Abgelehnt',
      busy: 'Besetzt',
      missed: 'Verpasst',
      failed: 'Keine Verbindung',
      disconnected: 'Getrennt',
      'answered-elsewhere': 'Anderswo angenommen',
      abandoned: 'Während der Wartezeit aufgelegt',
    },
    callBack: 'Zurückrufen',
    callBackLabel: (name) => `${name} zurückrufen`,
  },
  recording: deRecording,
};

const tables = new Map<string, Translation>([
  ['en', en],
  ['de', de],
]);

/** Adds or replaces the strings for a language (`'fr'`, `'pt-BR'`). */
export function registerTranslation(translation: Translation): void {
  tables.set(translation.lang.toLowerCase(), translation);
}

/**
 * What a connection error means for the user, in `t`'s language (English for strings a table
 * registered before they existed lacks).
 */
export function describeConnectionError(t: Translation, error: SynapseError): string {
  const c = { ...en.connection, ...t.connection };
  switch (error.code) {
    case 'origin-not-allowed':
      return c.originNotAllowed;
    case 'token-provider-failed': {
      const failure = error.tokenFailure;
      if (failure?.kind === 'http') return c.signInFailed(c.tokenHttp(failure.status));
      if (failure?.kind === 'network') return c.signInFailed(c.tokenNetwork);
      if (failure?.kind === 'not-a-token') return c.signInFailed(c.tokenNotAToken);
      return c.signInFailed(c.tokenProvider);
    }
    case 'unauthorized':
    case 'token-expired':
    case 'forbidden':
      return c.signInFailed(c.tokenRefused);
    default:
      return c.failed;
  }
}

/** The table for `lang`: exact tag, then its primary language, then English. */
export function translationFor(lang: string | null | undefined): Translation {
  const tag = (lang ?? '').toLowerCase();
  return tables.get(tag) ?? tables.get(tag.split('-')[0]) ?? en;
}
