import { recordingScenarios } from './recording-scenarios';

// Peer-to-peer calls: the agent's browser records and uploads; the server remuxes the file.
recordingScenarios('p2p');
