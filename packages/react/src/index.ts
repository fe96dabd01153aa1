/**
 * @synapse-calling/react — React bindings for Synapse Calling: a provider and hooks on sdk-core's
 * snapshot store (`useSyncExternalStore`), safe in server rendering.
 */
export { SynapseProvider, type SynapseProviderProps } from './provider';
export { SynapseContext, useSynapseClient } from './context';
export {
  useCall,
  useIncomingCalls,
  usePresence,
  useSynapse,
  type LiveCall,
  type SynapseState,
} from './hooks';
export type {
  Call,
  CallSnapshot,
  ClientOptions,
  ClientSnapshot,
  Presence,
  SynapseClient,
} from '@synapse-calling/sdk-core';
