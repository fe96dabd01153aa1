import { html, nothing, type TemplateResult } from 'lit';
import type { Translation } from '../i18n/translations';
import type { Call } from '@synapse-calling/sdk-core';

/**
 * "You are number 2 in line" while the customer's call to a support line waits for an agent
 * (`call.queue`); nothing otherwise. A polite live region, so a screen reader hears it move.
 */
export function queueView(t: Translation, call: Call): TemplateResult | typeof nothing {
  if (!call.queue) return nothing;
  return html`<p part="queue" role="status">${t.active.queuePosition(call.queue.position)}</p>`;
}
