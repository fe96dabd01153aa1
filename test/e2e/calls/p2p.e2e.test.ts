import { callingScenarios } from './scenarios';

// The demo as it ships: no LiveKit configured, so calls use peer-to-peer WebRTC.
callingScenarios('p2p');
