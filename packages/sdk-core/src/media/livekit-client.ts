// The lazy livekit-client chunk (`loadLiveKit`): livekit-client, and what sdk-core does only
// with it loaded and would otherwise carry up front (joining and following a LiveKit call's
// room, and how it reports a received video). Named so that the chunk is still called
// livekit-client.
export * from 'livekit-client';
export { startRoom } from './livekit-room';
