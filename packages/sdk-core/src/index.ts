export * from '@synapse-calling/protocol';
export { createClient, SynapseClient, type ClientEvents } from './client';
export type { ClientOptions } from './options';
export type { ReconnectOptions, ProtocolMessage } from './signaling';
export { Call, type CallEvents } from './call';
export { CallManager, type CallManagerEvents } from './calls';
export { PresenceManager, type PresenceEvents, type PresenceListener } from './presence';
export {
  PushController,
  NotificationController,
  pushSupported,
  CALL_PARAM,
  NOTIFICATION_MARK,
  type PushStatus,
  type PushEvents,
  type PushEnableOptions,
  type HiddenNotificationOptions,
  type CallNotificationText,
} from './push/push';
export type * from './push/messages';
export {
  SynapseError,
  CallError,
  isSynapseError,
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  type SynapseErrorCode,
  type TokenFailure,
} from './errors';
export { decodeTokenClaims, type SynapseUser } from './token';
export { fetchToken, readToken } from './token-fetch';
export {
  listAudioDevices,
  onDevicesChanged,
  outputSelectionSupported,
  mediaSupported,
  screenShareSupported,
  listCameras,
  type AudioDevice,
  type AudioDevices,
} from './media/devices';
export type { MediaSession, MediaSessionEvents } from './media/session';
export type { CallVideoEvents } from './media/video/video-link';
export type { RemoteVideo, SentMedia, CallVideoSnapshot } from './media/video/types';
export type {
  CallDirection,
  CallEndReason,
  CallQuality,
  CallQueue,
  CallSnapshot,
  ClientCallState,
  ClientSnapshot,
  ConnectionState,
  OwnStatus,
  TransferOptions,
  TransferTarget,
} from './types';
