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
  /** Warm transfer: the agent talks with the target (`name`) before completing. */
  consulting: (name: string) => string;
  /** Warm transfer: what the target sees while the agent (`name`) consults them. */
  consultedBy: (name: string) => string;
  /** Warm transfer: what the other party sees while the agent (`name`) consults. */
  onHold: (name: string) => string;
  complete: string;
  /** Cancel while consulting: back to the call. */
  cancelConsult: string;
  /** The label of the Blind/Warm choice, and its two options. */
  mode: string;
  blind: string;
  warm: string;
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
  consulting: (name) => `Consulting ${name}`,
  consultedBy: (name) => `${name} is consulting you about a transfer`,
  onHold: (name) => `On hold — ${name} is consulting`,
  complete: 'Complete transfer',
  cancelConsult: 'Cancel',
  mode: 'How',
  blind: 'Blind',
  warm: 'Warm (talk first)',
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
  consulting: (name) => `Rücksprache mit ${name}`,
  consultedBy: (name) => `${name} hält Rücksprache zu einer Weiterleitung`,
  onHold: (name) => `In der Warteschleife — ${name} hält Rücksprache`,
  complete: 'Weiterleitung abschließen',
  cancelConsult: 'Abbrechen',
  mode: 'Art',
  blind: 'Direkt',
  warm: 'Mit Rücksprache',
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
