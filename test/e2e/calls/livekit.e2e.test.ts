import { callingScenarios } from './scenarios';

// The demo with a real livekit-server (webhooks pointed at the demo): audio goes through the SFU.
callingScenarios('livekit');
