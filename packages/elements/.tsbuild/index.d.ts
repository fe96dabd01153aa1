/**
 * @synapse-calling/elements — drop-in custom elements for Synapse Calling. Importing this module
 * defines every tag (once; a second copy on the page leaves the first definitions in place).
 */
import { SynapseActiveCall } from './active-call/active-call';
import { SynapseCallButton } from './call-button/call-button';
import { SynapseCallHistory } from './call-history/call-history';
import { SynapseCalling } from './calling/calling';
import { SynapseIncomingCall } from './incoming-call/incoming-call';
import { SynapsePresence } from './presence/presence';
export { SynapseActiveCall, SynapseCallButton, SynapseCallHistory, SynapseCalling, SynapseIncomingCall, SynapsePresence, };
export { clientContext, getDefaultClient, setDefaultClient } from './context';
export type { CallButtonState } from './controllers/call-button-controller';
export type { HistoryEntry } from './controllers/call-history-controller';
export { Ringtone } from './controllers/ringtone';
export * from './events/index';
export { registerTranslation, translationFor, type Translation } from './i18n/translations';
export type { ElementsCall, ElementsClient } from './types';
export { createClient, SynapseError } from '@synapse-calling/sdk-core';
/** Tag → class; the provider first, so that children upgraded after it find it. */
export declare const TAGS: {
    readonly 'synapse-calling': typeof SynapseCalling;
    readonly 'synapse-call-button': typeof SynapseCallButton;
    readonly 'synapse-presence': typeof SynapsePresence;
    readonly 'synapse-incoming-call': typeof SynapseIncomingCall;
    readonly 'synapse-active-call': typeof SynapseActiveCall;
    readonly 'synapse-call-history': typeof SynapseCallHistory;
};
/** Defines every tag that is not defined yet. Called on import; safe to call again. */
export declare function defineElements(registry?: CustomElementRegistry): void;
