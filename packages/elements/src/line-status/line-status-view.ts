import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import type { AgentLineStatus } from '@synapse-calling/sdk-core';
import type { formatDuration } from '../i18n/format';
import { lineStatusStrings } from '../i18n/line-status-strings';
import type { Translation } from '../i18n/translations';

export { AgentLineController } from '../controllers/agent-line-controller';

// A lazy chunk, loaded when a <synapse-line-status> first connects: what it needs of lit and the
// main bundle comes in `Kit`, because a runtime import would make the bundler move that code into
// a chunk every page loads.

/** What this chunk needs of the main bundle. */
export interface Kit {
  html: typeof litHtml;
  nothing: typeof litNothing;
  formatDuration: typeof formatDuration;
}

/**
 * The line: name, open or closed, the agent's "Taking calls" switch, the counts, and the callers
 * waiting with how long each has waited at `now`.
 */
export function lineStatusView(
  { html, nothing, formatDuration }: Kit,
  t: Translation,
  status: AgentLineStatus,
  now: number,
  flip: (takingCalls: boolean) => void,
): TemplateResult {
  const s = lineStatusStrings(t);
  return html`<section part="base" aria-label=${status.name}>
    <div part="header">
      <p part="name">${status.name}</p>
      <span part="open">${status.open ? s.open : s.closed}</span>
      <button
        part="taking-calls"
        type="button"
        aria-pressed=${status.takingCalls ? 'true' : 'false'}
        @click=${() => flip(!status.takingCalls)}
      >
        ${s.takingCalls}
      </button>
    </div>
    <p part="counts" role="status">
      ${s.available(status.agentsAvailable)} · ${s.waiting(status.waiting)}
    </p>
    ${
      status.calls.length
        ? html`<ol part="calls" aria-label=${s.queue}>
            ${status.calls.map(
              (call) =>
                html`<li part="call">
                  ${call.from.name}
                  <span part="wait"
                    >${s.waited(formatDuration(Math.max(0, now - call.since) / 1000))}</span
                  >
                </li>`,
            )}
          </ol>`
        : nothing
    }
  </section>`;
}
