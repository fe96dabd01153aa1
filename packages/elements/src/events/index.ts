export { SynapseEvent } from './base';
export type { SynapseCallActionDetail } from './call-action';
export { SynapseCallAcceptEvent } from './call-accept';
export { SynapseCallDeclineEvent } from './call-decline';
export { SynapseCallEndEvent } from './call-end';
export { SynapseCallErrorEvent, type SynapseCallErrorDetail } from './call-error';
export { SynapseCallStartEvent, type SynapseCallStartDetail } from './call-start';
export { SynapseCallStateEvent, type SynapseCallStateDetail } from './call-state';
export {
  SynapseConnectionChangeEvent,
  type SynapseConnectionChangeDetail,
} from './connection-change';
export { SynapseHistoryLoadEvent, type SynapseHistoryLoadDetail } from './history-load';
export { SynapseMuteChangeEvent, type SynapseMuteChangeDetail } from './mute-change';
export { SynapseRingtoneChangeEvent, type SynapseRingtoneChangeDetail } from './ringtone-change';
