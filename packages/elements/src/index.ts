/**
 * @synapse-calling/elements — drop-in custom elements for Synapse Calling. Importing this module
 * defines every tag (once; a second copy on the page leaves the first definitions in place).
 */
import { SynapseActiveCall } from './active-call/active-call';
import { SynapseCallButton } from './call-button/call-button';
import { SynapseCallHistory } from './call-history/call-history';
import { SynapseCalling } from './calling/calling';
import { SynapseIncomingCall } from './incoming-call/incoming-call';
import { SynapseLineStatus } from './line-status/line-status';
import { SynapsePresence } from './presence/presence';

export {
  SynapseActiveCall,
  SynapseCallButton,
  SynapseCallHistory,
  SynapseCalling,
  SynapseIncomingCall,
  SynapseLineStatus,
  SynapsePresence,
};
// Its code is a lazy chunk that <synapse-active-call> loads when a call first has video.
export type { SynapseVideoStage } from './video-stage/video-stage';
export type { SynapseTransferControls, TransferView } from './transfer/transfer-controls';
export { clientContext, getDefaultClient, setDefaultClient } from './context';
export type { CallButtonState } from './controllers/call-button-controller';
export type { HistoryEntry } from './controllers/call-history-controller';
export { Ringtone } from './internal/ringtone';
export * from './events/index';
export { registerTranslation, translationFor, type Translation } from './i18n/translations';
export type { Call, SynapseClient } from '@synapse-calling/sdk-core';
// Re-exported so that a page using only the bundled file can create its own client.
export { createClient, SynapseError } from '@synapse-calling/sdk-core';

/** Tag → class; the provider first, so that children upgraded after it find it. */
export const TAGS = {
  'synapse-calling': SynapseCalling,
  'synapse-call-button': SynapseCallButton,
  'synapse-presence': SynapsePresence,
  'synapse-incoming-call': SynapseIncomingCall,
  'synapse-active-call': SynapseActiveCall,
  'synapse-call-history': SynapseCallHistory,
  'synapse-line-status': SynapseLineStatus,
} as const;

/** Defines every tag that is not defined yet. Called on import; safe to call again. */
export function defineElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(TAGS)) {
    if (!registry.get(tag)) registry.define(tag, ctor);
  }
}

// SSR: importing in Node must not throw, so only define where a registry exists.
if (typeof customElements !== 'undefined') defineElements();
