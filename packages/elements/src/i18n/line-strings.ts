import type { Translation } from './translations';

/**
 * The support-line strings of `<synapse-call-button line>`. Loaded with the line button's view
 * (`call-button/line-view.ts`), so pages without a line button never download them; a table
 * registered with `line` overrides them.
 */
export interface LineStrings {
  /** The visible label of `<synapse-call-button line>`: "Call Support". */
  call: (name: string) => string;
  available: string;
  /** `wait` is already formatted ("2 min"), or null when the line cannot estimate it. */
  busy: (wait: string | null) => string;
  /** `opens` is already formatted ("Mon 9:00"), or null when the line names no opening time. */
  closed: (opens: string | null) => string;
  minutes: (count: number) => string;
}

const en: LineStrings = {
  call: (name) => `Call ${name}`,
  available: 'Agents available',
  busy: (wait) => (wait ? `All agents busy — expected wait ~${wait}` : 'All agents busy'),
  closed: (opens) => (opens ? `Closed, opens ${opens}` : 'Closed'),
  minutes: (count) => `${count} min`,
};

const de: LineStrings = {
  call: (name) => `${name} anrufen`,
  available: 'Mitarbeitende verfügbar',
  busy: (wait) =>
    wait
      ? `Alle Mitarbeitenden im Gespräch — erwartete Wartezeit ca. ${wait}`
      : 'Alle Mitarbeitenden im Gespräch',
  closed: (opens) => (opens ? `Geschlossen, öffnet ${opens}` : 'Geschlossen'),
  minutes: (count) => `${count} Min.`,
};

const STRINGS: Record<string, LineStrings> = { en, de };

/** The line strings for `t`: its own, else the shipped ones of its language, else English. */
export function lineStrings(t: Translation): LineStrings {
  return t.line ?? STRINGS[t.lang.split('-')[0] as string] ?? en;
}
