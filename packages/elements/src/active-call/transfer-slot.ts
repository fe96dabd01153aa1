import { html, nothing, type TemplateResult } from 'lit';
import type { Call, TransferTargetsResponse } from '@synapse-calling/sdk-core';

let controlsLoading: Promise<unknown> | undefined;

/**
 * The call's transfer controls (`<synapse-transfer-controls>`), for an agent in an active call or
 * while a transfer is under way; their code is fetched the first time they show.
 */
export function transferSlot(
  call: Call,
  user: { id: string; role: string } | null | undefined,
  lang: string,
  load: () => Promise<TransferTargetsResponse>,
): TemplateResult | typeof nothing {
  const agent = user?.role === 'agent';
  if (!call.pendingTransfer && !(agent && call.state === 'active')) return nothing;
  controlsLoading ??= import('../transfer/transfer-controls');
  // A new view at every render of the panel: the controls re-render with it.
  const view = { call, self: user?.id, agent, load };
  return html`<synapse-transfer-controls
    part="transfer"
    lang=${lang}
    .view=${view}
  ></synapse-transfer-controls>`;
}
