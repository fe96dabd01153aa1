import type { LineStatus, Weekday } from '@synapse-calling/sdk-core';
import type { CallButtonState } from '../controllers/call-button-controller';
import { lineStrings } from '../i18n/line-strings';

export { LineStatusController } from '../controllers/line-status-controller';
import type { Translation } from '../i18n/translations';

/** A Sunday: the weekday names are formatted from the week starting there. */
const SUNDAY = Date.UTC(2026, 0, 4);
/**
 * The protocol's `WEEKDAYS`, in its order; not imported, so that this lazy chunk shares no code
 * with the initial bundle (a shared chunk would be one more request at start).
 */
const DAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface ButtonView {
  text: string;
  rest: string;
  hint?: string | undefined;
}

/**
 * The view of a line button where it differs from a person's: "Call Support" in full (no
 * presence to name), and while the line is closed the reason as the hint.
 */
export function lineButtonView(
  t: Translation,
  state: CallButtonState,
  name: string,
  status: LineStatus | undefined,
  base: ButtonView,
): ButtonView {
  if (state !== 'idle' && state !== 'checking' && state !== 'closed') return base;
  const closed = state === 'closed' && status;
  const hint = closed ? [lineStatusText(t, status), status.closedMessage].filter(Boolean) : [];
  return {
    text: lineStrings(t).call(name),
    rest: '',
    hint: hint.length ? hint.join('. ') : undefined,
  };
}

/**
 * What `<synapse-call-button line>` says under the button about the line: agents available,
 * all busy (with the expected wait), or closed (with when it opens). Counts only, like the
 * status itself.
 */
export function lineStatusText(t: Translation, status: LineStatus): string {
  const l = lineStrings(t);
  if (!status.open) {
    const at = status.opensAt;
    return l.closed(at ? `${weekdayName(t.lang, at.day)} ${at.time.replace(/^0/, '')}` : null);
  }
  if (status.agentsAvailable > 0) return l.available;
  const ms = status.expectedWaitMs;
  return l.busy(
    ms === null || ms === undefined ? null : l.minutes(Math.max(1, Math.round(ms / 60_000))),
  );
}

function weekdayName(lang: string, day: Weekday): string {
  const date = SUNDAY + DAYS.indexOf(day) * 24 * 3600_000;
  return new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(date);
}
