/** The strings of `<synapse-transfer-controls>`, loaded with it (a lazy chunk). */
export interface TransferStrings {
  transfer: string;
  /** The heading of the list of agents and lines. */
  to: string;
  agents: string;
  lines: string;
  close: string;
  cancel: string;
  /** What the agent transferring sees while the target rings. */
  ringing: (name: string) => string;
  /** What the other party (the customer) sees meanwhile. */
  transferring: (name: string) => string;
  status: Record<string, string>;
  available: (count: number) => string;
  failed: (message: string) => string;
  loading: string;
  none: string;
}

const en: TransferStrings = {
  transfer: 'Transfer',
  to: 'Transfer to',
  agents: 'Agents',
  lines: 'Lines',
  close: 'Close',
  cancel: 'Cancel transfer',
  ringing: (name) => `Transferring to ${name}…`,
  transferring: (name) => `Transferring you to ${name}…`,
  status: {
    online: 'available',
    away: 'away',
    busy: 'busy',
    dnd: 'do not disturb',
    offline: 'offline',
  },
  available: (count) => `${count} available`,
  failed: (message) => `Transfer failed: ${message}`,
  loading: 'Loading…',
  none: 'Nobody to transfer to',
};

const de: TransferStrings = {
  transfer: 'Weiterleiten',
  to: 'Weiterleiten an',
  agents: 'Mitarbeitende',
  lines: 'Leitungen',
  close: 'Schließen',
  cancel: 'Weiterleitung abbrechen',
  ringing: (name) => `Weiterleitung an ${name}…`,
  transferring: (name) => `Sie werden mit ${name} verbunden…`,
  status: {
    online: 'verfügbar',
    away: 'abwesend',
    busy: 'im Gespräch',
    dnd: 'nicht stören',
    offline: 'offline',
  },
  available: (count) => `${count} verfügbar`,
  failed: (message) => `Weiterleitung fehlgeschlagen: ${message}`,
  loading: 'Lädt…',
  none: 'Niemand zum Weiterleiten',
};

const STRINGS: Record<string, TransferStrings> = { en, de };

/** The strings for `lang` ("de-AT" → German), else English. */
export function transferStrings(lang: string): TransferStrings {
  return STRINGS[lang.split('-')[0] ?? ''] ?? en;
}
