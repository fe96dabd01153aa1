/** The support-line strings of each shipped language (part of `Translation`, kept apart for size). */
export interface LineStrings {
  /** The visible label of `<synapse-call-button line>`: "Call Support". */
  call: (name: string) => string;
  available: string;
  /** `wait` is already formatted ("2 min"), or null when the line cannot estimate it. */
  busy: (wait: string | null) => string;
  /** `opens` is already formatted ("Mon 9:00"), or null when the line names no opening time. */
  closed: (opens: string | null) => string;
  minutes: (count: number) => string;
  /** The caller's place while a call to a line waits (`<synapse-active-call>`). */
  position: (position: number) => string;
}

export const enLine: LineStrings = {
  call: (name) => `Call ${name}`,
  available: 'Agents available',
  busy: (wait) => (wait ? `All agents busy — expected wait ~${wait}` : 'All agents busy'),
  closed: (opens) => (opens ? `Closed, opens ${opens}` : 'Closed'),
  minutes: (count) => `${count} min`,
  position: (position) => `You are number ${position} in line`,
};

export const deLine: LineStrings = {
  call: (name) => `${name} anrufen`,
  available: 'Mitarbeitende verfügbar',
  busy: (wait) =>
    wait
      ? `Alle Mitarbeitenden im Gespräch — erwartete Wartezeit ca. ${wait}`
      : 'Alle Mitarbeitenden im Gespräch',
  closed: (opens) => (opens ? `Geschlossen, öffnet ${opens}` : 'Geschlossen'),
  minutes: (count) => `${count} Min.`,
  position: (position) => `Sie sind Nummer ${position} in der Warteschlange`,
};
