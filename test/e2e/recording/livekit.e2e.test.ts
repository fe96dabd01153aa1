import { recordingScenarios } from './recording-scenarios';

// LiveKit calls: the server's recorder participant records from the SFU.
recordingScenarios('livekit');
