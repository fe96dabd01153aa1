import type { Lines } from '../lines/setup';
import type { CallRegistry } from '../stores/types';
import type { CallLifecycle } from './lifecycle';
import { TransferManager, type TransferManagerDeps } from './transfer-manager';

export interface TransferSetupDeps extends Omit<TransferManagerDeps, 'registry' | 'lines'> {
  registry: CallRegistry;
  lines: Lines | undefined;
}

/**
 * The transfer manager, if the registry can book a transfer's target (`rebook`; a host's own
 * `stores.registry` may lack it: `transfer-call` then answers `invalid-state`).
 */
export function setupTransfers(deps: TransferSetupDeps): TransferManager | undefined {
  const { registry, lines } = deps;
  if (!registry.rebook) {
    deps.logger.warn('the call registry has no rebook: call transfer is off');
    return undefined;
  }
  return new TransferManager({
    ...deps,
    registry: registry as TransferManagerDeps['registry'],
    lines: lines && { store: lines.store, picker: lines.picker },
  });
}

/** `lifecycle`, also telling a transfer's target when the call ended while they rang. */
export function withTransfers(
  lifecycle: CallLifecycle | undefined,
  transfers: TransferManager | undefined,
): CallLifecycle | undefined {
  if (!transfers) return lifecycle;
  return {
    callActive: (record) => lifecycle?.callActive(record),
    ending: (call, at) => (lifecycle ? lifecycle.ending(call, at) : call),
    callEnded: (record) => {
      lifecycle?.callEnded(record);
      transfers.callEnded(record);
    },
  };
}
