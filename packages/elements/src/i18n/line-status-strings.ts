import type { Translation } from './translations';

/**
 * The words of `<synapse-line-status>` (an agent's view of a support line). They load with its
 * view (`line-status/line-status-view.ts`, a lazy chunk), so pages without one never download
 * them; a table registered with `lineStatus` overrides them.
 */
export interface LineStatusStrings {
  open: string;
  closed: string;
  available: (count: number) => string;
  waiting: (count: number) => string;
  /** The list of waiting callers (its accessible name). */
  queue: string;
  /** How long one caller has waited, `wait` already formatted ("1:05"). */
  waited: (wait: string) => string;
  takingCalls: string;
}

const en: LineStatusStrings = {
  open: 'Open',
  closed: 'Closed',
  available: (n) =>
    n === 0 ? 'No agent available' : n === 1 ? '1 agent available' : `${n} agents available`,
  waiting: (n) => (n === 0 ? 'Nobody waiting' : `${n} waiting`),
  queue: 'Callers waiting',
  waited: (wait) => `waiting ${wait}`,
  takingCalls: 'Taking calls',
};

const de: LineStatusStrings = {
  open: 'Geöffnet',
  closed: 'Geschlossen',
  available: (n) =>
    n === 0
      ? 'Niemand verfügbar'
      : n === 1
        ? '1 Mitarbeiter:in verfügbar'
        : `${n} Mitarbeitende verfügbar`,
  waiting: (n) => (n === 0 ? 'Niemand wartet' : `${n} warten`),
  queue: 'Wartende Anrufe',
  waited: (wait) => `wartet ${wait}`,
  takingCalls: 'Nehme Anrufe an',
};

const STRINGS: Record<string, LineStatusStrings> = { en, de };

/** The line-status words of `t`'s language (English when it ships none). */
export function lineStatusStrings(t: Translation): LineStatusStrings {
  return t.lineStatus ?? STRINGS[t.lang.split('-')[0] as string] ?? en;
}
